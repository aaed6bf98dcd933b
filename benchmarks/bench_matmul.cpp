// The matrix products of one Linear layer, through dynagrad's kernel (kernels::matmul: row blocks,
// k slices, the AVX-512 row kernel where compiled) and through one plain Eigen product of the same
// shape (the reference, single-threaded), on hot data: forward y = x W, input gradient dx = g W^T,
// weight gradient dW = x^T g. Shapes: the EGNN's edge and node layers (2000 or 500 rows, 64 -> 64)
// the field MLP of field discovery (500 rows, 128 -> 128) and the hidden layer of bench_autodiff's MLP
// (4096 rows, 128 -> 128). Then the whole tape op
// `linear(x, W, b, silu)` (forward, and forward + backward with the input, weight and bias
// gradients: the three products plus the bias, the activation and its derivative).
// Usage: bench_matmul [threads]
#include <Eigen/Core>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "autodiff/arena.hpp"
#include "autodiff/kernels/matmul.hpp"
#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "autodiff/tape.hpp"
#include "benchmarks/timing.hpp"

using namespace dg;

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// `products`: how many R x I x O products the timed work holds (3 for a forward and backward).
void report(const char* what, index_t R, index_t I, index_t O, int threads, const bench::Timing& t, int products = 1) {
  const double gflop = 2.0 * double(products) * double(R) * double(I) * double(O) * 1e-9;
  std::printf("%s_%ldx%ldx%ld threads=%d min=%.2f median=%.2f unit=us gflop=%.5f gflops_at_min=%.1f\n", what, long(R),
              long(I), long(O), threads, 1e6 * t.min_s, 1e6 * t.median_s, gflop, gflop / t.min_s);
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = bench::int_argument(argc, argv, 1, 1, 1, "bench_matmul [threads >= 1]");
  set_num_threads(threads);
  struct Shape3 { index_t R, I, O; };
  for (const Shape3 s : {Shape3{2000, 64, 64}, Shape3{500, 64, 64}, Shape3{500, 128, 128}, Shape3{4096, 128, 128}}) {
    const RowMatrix x = RowMatrix::Random(s.R, s.I), W = RowMatrix::Random(s.I, s.O), g = RowMatrix::Random(s.R, s.O);
    RowMatrix y(s.R, s.O), dx(s.R, s.I), dW(s.I, s.O);
    Arena scratch;
    auto ours = [&](auto product) { return bench::time_repeats(300, 20, [&] { scratch.reset(); product(); }); };
    report("forward", s.R, s.I, s.O, threads, ours([&] {
      kernels::matmul(y.data(), x.data(), W.data(), s.R, s.O, s.I, false, false, false, &scratch);
    }));
    report("input_grad", s.R, s.I, s.O, threads, ours([&] {
      kernels::matmul(dx.data(), g.data(), W.data(), s.R, s.I, s.O, false, true, false, &scratch);
    }));
    report("weight_grad", s.R, s.I, s.O, threads, ours([&] {
      kernels::matmul(dW.data(), x.data(), g.data(), s.I, s.O, s.R, true, false, false, &scratch);
    }));
    Parameter<float> xp(Tensor<float>(Shape{s.R, s.I})), Wp(Tensor<float>(Shape{s.I, s.O})), bp(Shape{s.O});
    Tensor<float> seed(Shape{s.R, s.O});
    std::copy(x.data(), x.data() + x.size(), xp.value.data());
    std::copy(W.data(), W.data() + W.size(), Wp.value.data());
    std::copy(g.data(), g.data() + g.size(), seed.data());
    Tape<float> tape;
    auto linear_op = [&] { tape.reset(); return linear(tape.param(xp), tape.param(Wp), tape.param(bp), Act::Silu); };
    report("linear_silu_forward", s.R, s.I, s.O, threads, bench::time_repeats(300, 20, linear_op));
    report("linear_silu_forward_backward", s.R, s.I, s.O, threads,
           bench::time_repeats(300, 20, [&] { tape.backward(linear_op(), seed); }), 3);
    report("eigen_forward", s.R, s.I, s.O, 1, bench::time_repeats(300, 20, [&] { y.noalias() = x * W; }));
    report("eigen_input_grad", s.R, s.I, s.O, 1, bench::time_repeats(300, 20, [&] { dx.noalias() = g * W.transpose(); }));
    report("eigen_weight_grad", s.R, s.I, s.O, 1, bench::time_repeats(300, 20, [&] { dW.noalias() = x.transpose() * g; }));
  }
  return 0;
}
