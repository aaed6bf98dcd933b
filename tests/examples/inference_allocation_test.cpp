// Inference of a field-discovery model in a rollout loop allocates nothing in steady state (issue
// 8): batch 1 (one graph of 5 charged particles in 2D), a DynamicsModel of kind Field, NoGradGuard,
// per step tape.reset(), the state in as constants, one frame of drift-kick steps through
// field_discovery::rollout, the state copied out (the loop of benchmarks/bench_inference.cpp).
// Global operator new calls and the arena's device allocations are counted over steps 2 to N.
// This executable replaces the global operator new, so it is its own test program.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "autodiff/storage.hpp"
#include "examples/field_discovery/model.hpp"
#include "nn/graph/graph_batch.hpp"

#include "tests/common/count_new.hpp"

using namespace dg;
using namespace dg::field_discovery;

TEST_CASE("steps 2 to 40 of a batch-1 field-model rollout under NoGradGuard allocate nothing") {
  const index_t M = 5, d = 2;
  Philox rng(3, 100);
  DynamicsModel model({.kind = ModelKind::Field}, rng);
  // A nonzero field, as after training (the output layer starts at zero).
  Tensor<float>& w = model.external->output->weight.value;
  for (index_t i = 0; i < w.numel(); ++i) w[i] = static_cast<float>(0.01 * rng.normal());

  const nn::GraphBatch g = nn::fully_connected(1, M);
  Tensor<float> q(Shape{M, d}), v(Shape{M, d}), charges(Shape{M, 1});
  for (index_t i = 0; i < M * d; ++i) q[i] = static_cast<float>(rng.normal()), v[i] = static_cast<float>(0.1 * rng.normal());
  for (index_t i = 0; i < M; ++i) charges[i] = (i % 2) ? 1.0f : -1.0f;
  const Tensor<float> q_start = q;

  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const std::size_t device_start = device_allocation_count();
  long news_before = 0;
  std::size_t device_before = 0;
  const int steps = 40;
  for (int step = 1; step <= steps; ++step) {
    if (step == 2) news_before = dg::test::new_calls(), device_before = device_allocation_count();
    tape.reset();
    rollout(tape, model, g, tape.constant(q), tape.constant(v), tape.constant(charges), 0.1, 10, 1,
            [&](int, const Var<float>& qn, const Var<float>& vn) {
              std::copy(qn.data(), qn.data() + M * d, q.data());
              std::copy(vn.data(), vn.data() + M * d, v.data());
            });
  }
  const long news = dg::test::new_calls() - news_before;
  const std::size_t device = device_allocation_count() - device_before;
  CHECK(device_before > device_start);  // the first step did size the tape's arena
  CHECK(news == 0);
  CHECK(device == 0);
  // The loop did run the model: the particles moved and stayed finite.
  double moved = 0;
  for (index_t i = 0; i < M * d; ++i) {
    CHECK(std::isfinite(q[i]));
    moved += std::fabs(double(q[i]) - double(q_start[i]));
  }
  CHECK(moved > 0);
}
