// Inference benchmark (issue 8): a field-discovery model (examples/field_discovery: DynamicsModel
// of kind Field, EGNN interactions + the neural field of the absolute position) in a rollout loop
// at batch 1, one graph of 5 charged particles in 2D, as a simulator driven by the learned model
// would run it. Per step (one frame of `substeps` drift-kick semi-implicit Euler steps):
// tape.reset(), the state enters as constants, rollout() of one frame under NoGradGuard, the new
// state is copied out. tests/examples/inference_allocation_test.cpp proves this loop makes no
// heap allocation after its first step.
//
// The model: the weights of a trained checkpoint when one is given (examples/field_discovery
// writes checkpoint_field.npz into its --out folder; default model options), else the freshly
// initialised model with its zeroed field output layer set to small random values (the time does
// not depend on the values: the same ops on the same shapes).
// Usage: bench_inference [threads] [checkpoint_field.npz] [substeps]   (threads default 1, substeps 10)
#include <cstdio>
#include <cstdlib>
#include <string>

#include "autodiff/parallel.hpp"
#include "benchmarks/timing.hpp"
#include "examples/field_discovery/model.hpp"
#include "nn/checkpoint.hpp"
#include "nn/graph/graph_batch.hpp"

using namespace dg;
using namespace dg::field_discovery;

int main(int argc, char** argv) {
  const char* usage = "bench_inference [threads >= 1 [checkpoint.npz [substeps >= 1]]]";
  const int threads = bench::int_argument(argc, argv, 1, 1, 1, usage);
  const std::string checkpoint = argc > 2 ? argv[2] : "";
  const int substeps = bench::int_argument(argc, argv, 3, 10, 1, usage);
  set_num_threads(threads);
  const index_t M = 5, d = 2;
  const double frame_dt = 0.1;  // the electrostatic set's frame interval

  Philox rng(1, 100);
  DynamicsModel model({.kind = ModelKind::Field}, rng);
  if (!checkpoint.empty()) {
    nn::load_checkpoint(checkpoint, model);
  } else {
    Tensor<float>& w = model.external->output->weight.value;
    for (index_t i = 0; i < w.numel(); ++i) w[i] = static_cast<float>(0.01 * rng.normal());
  }

  const nn::GraphBatch g = nn::fully_connected(1, M);
  Tensor<float> q0(Shape{M, d}), v0(Shape{M, d}), charges(Shape{M, 1});
  for (index_t i = 0; i < M * d; ++i) q0[i] = static_cast<float>(rng.normal()), v0[i] = static_cast<float>(0.1 * rng.normal());
  for (index_t i = 0; i < M; ++i) charges[i] = (i % 2) ? 1.0f : -1.0f;
  Tensor<float> q(Shape{M, d}), v(Shape{M, d});

  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  auto step = [&] {
    tape.reset();
    rollout(tape, model, g, tape.constant(q), tape.constant(v), tape.constant(charges), frame_dt, substeps, 1,
            [&](int, const Var<float>& qn, const Var<float>& vn) {
              std::copy(qn.data(), qn.data() + M * d, q.data());
              std::copy(vn.data(), vn.data() + M * d, v.data());
            });
  };
  const int frames = 200;
  const bench::Timing t = bench::time_repeats(15, 2, [&] {
    std::copy(q0.data(), q0.data() + M * d, q.data());  // every repeat rolls out the same trajectory
    std::copy(v0.data(), v0.data() + M * d, v.data());
    for (int k = 0; k < frames; ++k) step();
  });
  const double per_frame_min = 1e6 * t.min_s / frames, per_frame_med = 1e6 * t.median_s / frames;
  std::printf("inference_frame threads=%d min=%.2f median=%.2f unit=us substeps=%d per_substep_min=%.3f us "
              "per_substep_median=%.3f us nodes_per_frame=%zu arena_bytes=%zu model=%s\n",
              threads, per_frame_min, per_frame_med, substeps, per_frame_min / substeps, per_frame_med / substeps,
              tape.node_count(), tape.arena_bytes_reserved(), checkpoint.empty() ? "untrained" : checkpoint.c_str());
  return 0;
}
