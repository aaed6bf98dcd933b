// Benchmarks of the tape (issue 2): (a) a chain of 10,000 tiny ops (add, mul, tanh on 8-element
// tensors), forward + backward, time per op; (b) an MLP 3 -> 128 -> 128 -> 3 (tanh) on 4096
// points, forward + backward + loss. float32. The PyTorch script benchmarks/torch_autodiff.py does
// the same work. Usage: bench_autodiff [threads]
#include <cstdio>
#include <cstdlib>
#include <random>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "benchmarks/timing.hpp"

using namespace dg;

int main(int argc, char** argv) {
  const int threads = bench::int_argument(argc, argv, 1, 1, 1, "bench_autodiff [threads >= 1]");
  set_num_threads(threads);
  std::mt19937_64 rng(0);
  std::normal_distribution<float> n01;
  auto randn = [&](Shape s, float scale) {
    Tensor<float> t(s);
    for (index_t i = 0; i < t.numel(); ++i) t[i] = scale * n01(rng);
    return t;
  };

  // (a) tiny-op chain: x <- tanh(x * w + b), 3 ops per link, on 8 elements.
  if (bench::selected("tiny_op_chain")) {
    const int links = 3334;  // ~10,000 ops
    Parameter<float> w(randn(Shape{8}, 0.5f)), b(randn(Shape{8}, 0.1f));
    const Tensor<float> x0 = randn(Shape{8}, 1.0f);
    Tape<float> tape;
    const bench::Timing t = bench::time_repeats(30, 3, [&] {
      tape.reset();
      Var<float> vw = tape.param(w), vb = tape.param(b);
      Var<float> x = tape.constant(x0);
      for (int i = 0; i < links; ++i) x = tanh(x * vw + vb);
      tape.backward(sum(x));
    });
    const double ops = 3.0 * links;
    std::printf("tiny_op_chain threads=%d min=%.4f median=%.4f unit=us/op ops=%d\n", threads, 1e6 * t.min_s / ops,
                1e6 * t.median_s / ops, int(ops));
  }

  // (b) MLP 3 -> 128 -> 128 -> 3 on 4096 points, MSE loss, forward + backward.
  if (bench::selected("mlp") || bench::selected("mlp_primitive_ops")) {
    const index_t N = 4096, H = 128;
    Parameter<float> w1(randn(Shape{3, H}, 0.5f)), b1(randn(Shape{H}, 0.1f));
    Parameter<float> w2(randn(Shape{H, H}, 0.09f)), b2(randn(Shape{H}, 0.1f));
    Parameter<float> w3(randn(Shape{H, 3}, 0.09f)), b3(randn(Shape{3}, 0.1f));
    const Tensor<float> x = randn(Shape{N, 3}, 1.0f), y = randn(Shape{N, 3}, 1.0f);
    Tape<float> tape;
    // Matmul FLOPs (2 per multiply-add; biases, activations and the loss, under 1%, not counted):
    // forward 2N(3H + HH + 3H); backward dW of every layer plus dX of layers 2 and 3 (the input
    // needs no gradient): 418.4 MFLOP per iteration.
    const double fwd = 2.0 * N * (3 * H + H * H + H * 3);
    const double flops = fwd + fwd + 2.0 * N * (H * H + H * 3);
    // With the fused op (matmul + bias + activation in one node), as nn::Linear uses it.
    bench::Timing t{};
    if (bench::selected("mlp")) {
      t = bench::time_repeats(30, 3, [&] {
        tape.reset();
        Var<float> h = linear(tape.constant(x), tape.param(w1), tape.param(b1), Act::Tanh);
        h = linear(h, tape.param(w2), tape.param(b2), Act::Tanh);
        Var<float> out = linear(h, tape.param(w3), tape.param(b3));
        tape.backward(mean(square(out - tape.constant(y))));
      });
      std::printf("mlp threads=%d min=%.3f median=%.3f unit=ms gflop=%.4f gflops_at_min=%.1f\n", threads, 1e3 * t.min_s,
                  1e3 * t.median_s, flops * 1e-9, flops / t.min_s * 1e-9);
    }
    // The same network from primitive ops (matmul, add, tanh).
    if (bench::selected("mlp_primitive_ops")) {
      t = bench::time_repeats(30, 3, [&] {
        tape.reset();
        Var<float> h = tanh(matmul(tape.constant(x), tape.param(w1)) + tape.param(b1));
        h = tanh(matmul(h, tape.param(w2)) + tape.param(b2));
        Var<float> out = matmul(h, tape.param(w3)) + tape.param(b3);
        tape.backward(mean(square(out - tape.constant(y))));
      });
      std::printf("mlp_primitive_ops threads=%d min=%.3f median=%.3f unit=ms gflop=%.4f gflops_at_min=%.1f\n", threads,
                  1e3 * t.min_s, 1e3 * t.median_s, flops * 1e-9, flops / t.min_s * 1e-9);
    }
  }
  return 0;
}
