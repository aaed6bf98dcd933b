// The training loop of the field-discovery models (train.hpp).
#include "examples/field_discovery/train.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "datasets/shard_windows.hpp"
#include "datasets/window_shards.hpp"
#include "datasets/windows.hpp"
#include "distributed/world.hpp"
#include "examples/common/rollout_training.hpp"
#include "examples/common/step_batches.hpp"
#include "nn/adam.hpp"

namespace dg::field_discovery {

namespace {

// (M, 1) weights 1 / (|a_i| + floor)^2 normalised to mean 1, with |a_i| the mean acceleration of
// particle i from the window's start to target frame f (velocity change over time): every
// particle's error counts relative to how hard it is being pushed, so the weak field far from
// the sources matters as much as the strong one near them.
void relative_weights(const datasets::WindowBatch<float>& batch, std::size_t f, double dt_frame, double floor,
                      Tensor<float>& weights) {
  const Tensor<float>& v0 = batch.input_velocities[0];
  const Tensor<float>& v1 = batch.target_velocities[f];
  const index_t M = v0.shape()[0], d = v0.shape()[1];
  if (weights.numel() != M) weights = Tensor<float>(Shape{M, 1});
  double total = 0;
  for (index_t i = 0; i < M; ++i) {
    double dv2 = 0;
    for (index_t c = 0; c < d; ++c) dv2 += double(v1[i * d + c] - v0[i * d + c]) * double(v1[i * d + c] - v0[i * d + c]);
    const double a = std::sqrt(dv2) / (double(f + 1) * dt_frame);
    weights[i] = float(1.0 / ((a + floor) * (a + floor)));
    total += weights[i];
  }
  for (index_t i = 0; i < M; ++i) weights[i] = float(weights[i] * double(M) / total);
}

}  // namespace

TrainRecord train(DynamicsModel& model, const datasets::Trajectories& data, const TrainOptions& o,
                  nn::ProgressLine& progress, int model_index, int model_count) {
  const datasets::WindowOptions windows{
      .input_frames = 1, .target_frames = o.window, .batch_size = o.batch, .drop_last = true, .seed = o.seed};
  nn::Adam<float> adam(model.parameters(), {.lr = o.lr});
  nn::StepTrainerOptions to = examples::resumable_trainer_options(o, model_name(model.options().kind), model.describe(),
                                                                  progress, model_index, model_count, 100);
  to.stop_after = o.stop_after;
  to.shards = o.shards;
  to.communicator = &distributed::world();
  nn::StepTrainer<float> trainer(model, adam, std::move(to));
  TrainRecord record{.resumed_from = trainer.step()};

  // The windows of shard s at step k and their rows in it: a cut of the step's batch, or, with
  // data per shard, the shard's own batch (all its rows).
  std::optional<datasets::WindowLoader<float>> loader;
  std::optional<examples::StepBatches> batches;
  std::optional<datasets::ShardWindows<float>> own;
  datasets::WindowShards<float> cuts(o.shards);
  if (o.shard_data)
    own.emplace(data, o.train_sims, o.shards,
                distributed::owned_shards(o.shards, distributed::world().size(), distributed::world().rank()), windows);
  else
    batches.emplace(loader.emplace(data, windows));
  std::vector<Tensor<float>> weights(std::size_t(std::max<std::int64_t>(o.shards, 1)));  // per shard: relative_weights
  while (trainer.running()) {
    const std::int64_t step = trainer.step();
    const datasets::WindowBatch<float>* batch = o.shard_data ? nullptr : &batches->at(step);

    // With shards, shard s rolls out its windows and returns its share of the batch's loss; the
    // relative weights are those of the whole batch (of the shard's own batch with shard_data).
    trainer.train_step([&](Tape<float>& tape, std::int64_t s) {
      const datasets::WindowBatch<float>& whole = o.shard_data ? own->at(step, s) : *batch;
      const datasets::WindowBatch<float>& part = o.shards > 0 && !o.shard_data ? cuts.cut(whole, s) : whole;
      const std::pair<index_t, index_t> rows =
          o.shards > 0 && !o.shard_data ? cuts.rows(whole, s) : std::pair<index_t, index_t>{0, whole.charges.numel()};
      const index_t r0 = rows.first, r1 = rows.second;
      Tensor<float>& shard_weights = weights[std::size_t(s)];
      Var<float> loss;
      rollout(tape, model, part.graph, tape.constant(part.input_positions[0]), tape.constant(part.input_velocities[0]),
              tape.constant(Shape{r1 - r0, 1}, whole.charges.data() + r0), data.dt_frame, o.substeps,
              static_cast<int>(o.window), [&](int k, const Var<float>& q, const Var<float>& v) {
                const auto f = static_cast<std::size_t>(k);
                Var<float> l = square(q - tape.constant(part.target_positions[f]));  // (M, d)
                if (o.velocity_weight > 0)
                  l = l + o.velocity_weight * square(v - tape.constant(part.target_velocities[f]));
                if (o.relative_floor > 0) {
                  relative_weights(whole, f, data.dt_frame, o.relative_floor, shard_weights);
                  l = l * tape.constant(Shape{r1 - r0, 1}, shard_weights.data() + r0);
                }
                l = mean(l);
                loss = loss.valid() ? loss + l : l;
              });
      loss = loss / static_cast<double>(o.window);
      if (o.shards == 0) return loss;
      return loss * (o.shard_data ? own->share(s) : cuts.share(whole, s));
    });
    if (o.on_step) o.on_step(trainer.step());
  }
  examples::finish_training(trainer, record);
  return record;
}

}  // namespace dg::field_discovery
