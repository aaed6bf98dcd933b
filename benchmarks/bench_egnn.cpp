// Benchmark of one EGNN training step (issue 6): forward, backward and Adam on the n-body setting
// of Satorras et al. 2021: batch 100 graphs of 5 particles in 3D, fully connected (2000 edges),
// 4 velocity layers of 64 features, SiLU, inputs |v| and [q_i q_j, |x_i - x_j|^2], MSE of the
// predicted positions; float32.
//   egnn_step:       the EGNN alone;
//   egnn_field_step: the same plus a neural field of the absolute position (Fourier features,
//                    64 frequencies, sigma 1, then an MLP 128 -> 64 -> 64 -> 3, SiLU) whose value
//                    at each particle, times its charge, is added to the predicted positions.
// benchmarks/torch_egnn.py does the same work in PyTorch. Usage: bench_egnn [threads]
#include <cstdio>
#include <cstdlib>

#include "autodiff/parallel.hpp"
#include "benchmarks/normal_tensor.hpp"
#include "benchmarks/timing.hpp"
#include "nn/adam.hpp"
#include "nn/field/neural_field.hpp"
#include "nn/graph/egnn.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

using bench::normal_tensor;

// FLOPs (2 per multiply-add) of a Linear(in -> out) on `rows` rows, forward plus backward: the
// weight gradient always, the input gradient when `input_grad`. Biases, activations, gathers,
// segment sums, the loss and Adam (together a few percent) are not counted.
double linear_flops(double rows, double in, double out, bool input_grad) {
  return 2.0 * rows * in * out * (input_grad ? 3.0 : 2.0);
}

// FLOPs of one training step. nominal: the layers as written (phi_e's first layer on the
// (E, 2F + 1 + A) concatenation, as PyTorch runs it); executed: as dynagrad runs it, that layer
// split into h_i W_r and h_j W_s on the N nodes plus the edge inputs on the E edges
// (nn/graph/graph_ops.hpp). The last layer's phi_h does not reach the loss: forward only.
struct Flops {
  double nominal = 0, executed = 0;
};
Flops egnn_step_flops(double N, double E, double F, double A, int layers, bool with_field) {
  Flops f;
  const double H = F;
  f.nominal = f.executed = linear_flops(N, 1, F, false);  // embedding of |v|
  for (int l = 0; l < layers; ++l) {
    const double common = linear_flops(E, H, H, true) +                           // phi_e layer 2
                          linear_flops(E, H, H, true) + linear_flops(E, H, 1, true) +  // phi_x
                          linear_flops(N, F, H, true) + linear_flops(N, H, 1, true) +  // phi_v
                          (l + 1 < layers ? linear_flops(N, F + H, H, true) + linear_flops(N, H, F, true)
                                          : 2.0 * N * (F + H) * H + 2.0 * N * H * F);  // phi_h
    f.nominal += common + linear_flops(E, 2 * F + 1 + A, H, true);
    f.executed += common + 2 * linear_flops(N, F, H, true) + linear_flops(E, 1 + A, H, true);
  }
  if (with_field) {  // Fourier features (x B, no gradient: x is data) + MLP 128 -> 64 -> 64 -> 3
    const double field = 2.0 * N * 3 * 64 + linear_flops(N, 128, 64, false) + linear_flops(N, 64, 64, true) +
                         linear_flops(N, 64, 3, true);
    f.nominal += field;
    f.executed += field;
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = bench::int_argument(argc, argv, 1, 1, 1, "bench_egnn [threads >= 1]");
  set_num_threads(threads);
  const index_t B = 100, M = 5, N = B * M, d = 3;
  const GraphBatch g = fully_connected(B, M);
  const Tensor<float> x = normal_tensor(Shape{N, d}, 1, 1.0), v = normal_tensor(Shape{N, d}, 2, 0.5);
  const Tensor<float> target = normal_tensor(Shape{N, d}, 3, 1.0);
  Tensor<float> q(Shape{N, 1});
  for (index_t i = 0; i < N; ++i) q[i] = (i % 2) ? 1.0f : -1.0f;

  for (bool with_field : {false, true}) {
    if (!bench::selected(with_field ? "egnn_field_step" : "egnn_step")) continue;
    Philox rng(0);
    EGNN<float> egnn({.in_features = 1, .edge_features = 2, .hidden = 64, .num_layers = 4}, rng);
    NeuralField<float> field({.in_dim = d, .out_dim = d, .encoding = FieldEncoding::Fourier, .fourier_features = 64,
                              .sigma = 1.0, .hidden = {64, 64}},
                             rng);
    std::vector<NamedParameter<float>> params = egnn.parameters();
    if (with_field)
      for (const NamedParameter<float>& p : field.parameters()) params.push_back({"field." + p.name, p.param});
    Adam<float> adam(params, {.lr = 5e-4});
    Tape<float> tape;
    const bench::Timing t = bench::time_repeats(50, 5, [&] {
      tape.reset();
      Var<float> vx = tape.constant(x), vv = tape.constant(v), vq = tape.constant(q);
      NBodyInputs<float> in = nbody_inputs(g, vx, vv, vq);
      Var<float> pred = egnn.forward(tape, g, in.h, vx, vv, in.edge_attributes).x;  // (N, 3)
      if (with_field) pred = pred + vq * field.forward(tape, vx);
      tape.backward(mean(square(pred - tape.constant(target))));
      adam.step();
      adam.zero_grad();
    });
    const Flops f = egnn_step_flops(double(N), double(g.num_edges()), 64, 2, 4, with_field);
    std::printf("%s threads=%d min=%.3f median=%.3f unit=ms gflop=%.4f gflop_executed=%.4f gflops_at_min=%.1f "
                "executed_gflops_at_min=%.1f\n",
                with_field ? "egnn_field_step" : "egnn_step", threads, 1e3 * t.min_s, 1e3 * t.median_s, f.nominal * 1e-9,
                f.executed * 1e-9, f.nominal / t.min_s * 1e-9, f.executed / t.min_s * 1e-9);
  }
  return 0;
}
