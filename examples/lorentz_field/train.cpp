// The training loop of the lorentz_field models (train.hpp).
#include "examples/lorentz_field/train.hpp"

#include <algorithm>

#include "datasets/window_shards.hpp"
#include "datasets/windows.hpp"
#include "examples/common/rollout_training.hpp"
#include "examples/common/step_batches.hpp"
#include "nn/adam.hpp"
#include "nn/step_trainer.hpp"

namespace dg::lorentz_field {

TrainRecord train(LorentzModel& model, const datasets::Trajectories& data, const TrainOptions& o,
                  nn::ProgressLine& progress, int model_index, int model_count) {
  datasets::WindowLoader<float> loader(
      data, {.input_frames = 1, .target_frames = o.window, .batch_size = o.batch, .drop_last = true, .seed = o.seed});
  nn::Adam<float> adam(model.parameters(), {.lr = o.lr});
  nn::StepTrainerOptions to = examples::rollout_trainer_options(o, model_name(model.options().kind), model.describe(),
                                                                progress, model_index, model_count, 50);
  to.shards = o.shards;
  nn::StepTrainer<float> trainer(model, adam, std::move(to));
  examples::StepBatches batches(loader);
  datasets::WindowShards<float> cuts(o.shards);
  while (trainer.running()) {
    const datasets::WindowBatch<float>& batch = batches.at(trainer.step());
    // With shards, shard s rolls out its windows and returns its share of the batch's loss.
    trainer.train_step([&](Tape<float>& tape, std::int64_t s) {
      const datasets::WindowBatch<float>& part = o.shards > 0 ? cuts.cut(batch, s) : batch;
      const std::pair<index_t, index_t> rows =
          o.shards > 0 ? cuts.rows(batch, s) : std::pair<index_t, index_t>{0, batches.charges().numel()};
      const Var<float> q = tape.constant(Shape{rows.second - rows.first, 1}, batches.charges().data() + rows.first);
      Var<float> loss;
      rollout(tape, model, part.graph, tape.constant(part.input_positions[0]), tape.constant(part.input_velocities[0]),
              q, edge_charge_products(part.graph, q), data.dt_frame, o.substeps, static_cast<int>(o.window),
              [&](int k, const Var<float>& x, const Var<float>& v) {
                const auto f = static_cast<std::size_t>(k);
                Var<float> l = mean(square(x - tape.constant(part.target_positions[f])));
                if (o.velocity_weight > 0)
                  l = l + o.velocity_weight * mean(square(v - tape.constant(part.target_velocities[f])));
                loss = loss.valid() ? loss + l : l;
              });
      loss = loss / static_cast<double>(o.window);
      return o.shards > 0 ? loss * cuts.share(batch, s) : loss;
    });
  }
  TrainRecord record;
  examples::finish_training(trainer, record);
  return record;
}

}  // namespace dg::lorentz_field
