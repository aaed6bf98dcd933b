// Benchmark of one EGNN training step on a device (issue 20): the egnn_step of
// benchmarks/bench_egnn.cpp (graphs of 5 particles in 3D, fully connected, 4 velocity layers of
// 64 features, SiLU, MSE of the predicted positions, Adam; float32) with the parameters, the
// Adam state and the tape on `device`; the data is copied to the device once, and each step copies
// it into the tape there (as the CPU step copies it into its tape).
// Each timed step ends with a read of the loss, which waits for the device's queued work.
//   bench_egnn_device DEVICE [graphs] [repeats]
// DEVICE is cpu, emulated (the GPU's kernels on the host grid: a check that it runs, far slower
// than the CPU) or cuda (a -Dcuda=enabled build). Prints the step time and graphs per second; on
// cuda also those of the same step captured in a CUDA graph and replayed (cuda/step_graph.hpp).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "benchmarks/normal_tensor.hpp"
#include "benchmarks/timing.hpp"
#include "cuda/device_backends.hpp"
#if DYNAGRAD_CUDA
#include "cuda/runtime.hpp"
#include "cuda/step_graph.hpp"
#endif
#include "nn/adam.hpp"
#include "nn/device.hpp"
#include "nn/graph/egnn.hpp"

using namespace dg;
using namespace dg::nn;

int main(int argc, char** argv) {
  const char* usage = "bench_egnn_device DEVICE(cpu|emulated|cuda) [graphs >= 1] [repeats >= 1]";
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s\n", usage);
    return 2;
  }
  Device device = Device::CPU;
  try {
    device = parse_device(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_egnn_device: %s\n", e.what());
    return 2;
  }
  cuda::register_device_backends();
#if DYNAGRAD_CUDA
  if (std::string why; device == Device::CUDA && cuda::device_count(&why) == 0) {
    std::fprintf(stderr, "bench_egnn_device: no CUDA device (%s)\n", why.c_str());
    return 2;
  }
#endif
  const int B = bench::int_argument(argc, argv, 2, 100, 1, usage);
  const int repeats = bench::int_argument(argc, argv, 3, 20, 1, usage);
  const index_t M = 5, N = B * M, d = 3;
  const GraphBatch g = fully_connected(B, M);
  const Tensor<float> x = bench::normal_tensor(Shape{N, d}, 1, 1.0), v = bench::normal_tensor(Shape{N, d}, 2, 0.5);
  const Tensor<float> target = bench::normal_tensor(Shape{N, d}, 3, 1.0);
  Tensor<float> q(Shape{N, 1});
  for (index_t i = 0; i < N; ++i) q[i] = (i % 2) ? 1.0f : -1.0f;

  Philox rng(0);
  EGNN<float> egnn({.in_features = 1, .edge_features = 2, .hidden = 64, .num_layers = 4}, rng);
  to_device(egnn, device);
  Adam<float> adam(egnn.parameters(), {.lr = 5e-4});
  adam.set_check_finite(false);  // as a GPU training loop would: no copy of the gradients per step
  const Tensor<float> xd = x.to(device), vd = v.to(device), qd = q.to(device), targetd = target.to(device);
  Tape<float> tape(device);
  auto record_step = [&] {  // queues the step; returns the loss node
    tape.reset();
    Var<float> vx = tape.constant(xd), vv = tape.constant(vd), vq = tape.constant(qd);
    NBodyInputs<float> in = nbody_inputs(g, vx, vv, vq);
    Var<float> pred = egnn.forward(tape, g, in.h, vx, vv, in.edge_attributes).x;  // (N, 3)
    Var<float> loss = mean(square(pred - tape.constant(targetd)));
    tape.backward(loss);
    adam.step();
    adam.zero_grad();
    return loss;
  };
  float loss_value = 0;
  const bench::Timing t = bench::time_repeats(repeats, 3, [&] { loss_value = record_step().item(); });  // waits
  std::printf("egnn_step_device device=%s graphs=%d min=%.3f median=%.3f unit=ms graphs_per_s_at_min=%.0f loss=%.6g\n",
              device_name(device), B, 1e3 * t.min_s, 1e3 * t.median_s, double(B) / t.min_s, double(loss_value));
#if DYNAGRAD_CUDA
  // The same step captured once in a CUDA graph (after the warm-up steps above: no allocation left
  // to make), then replayed. Never run on a GPU so far (docs/cuda.md).
  if (device == Device::CUDA) {
    try {
      cuda::StepGraph graph;
      graph.capture([&] { record_step(); });
      const bench::Timing r = bench::time_repeats(repeats, 3, [&] {
        graph.replay();
        graph.synchronize();
      });
      std::printf(
          "egnn_step_device_graph device=cuda graphs=%d min=%.3f median=%.3f unit=ms graphs_per_s_at_min=%.0f\n", B,
          1e3 * r.min_s, 1e3 * r.median_s, double(B) / r.min_s);
    } catch (const std::exception& e) {
      std::printf("egnn_step_device_graph device=cuda graphs=%d capture failed: %s\n", B, e.what());
    }
  }
#endif
  return 0;
}
