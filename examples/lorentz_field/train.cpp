// The training loop of the lorentz_field models (train.hpp).
#include "examples/lorentz_field/train.hpp"

#include <algorithm>

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
  nn::StepTrainer<float> trainer(
      model, adam,
      examples::rollout_trainer_options(o, model_name(model.options().kind), model.describe(), progress, model_index,
                                        model_count, 50));
  examples::StepBatches batches(loader);
  while (trainer.running()) {
    const datasets::WindowBatch<float>& batch = batches.at(trainer.step());
    trainer.train_step([&](Tape<float>& tape) {
      const Var<float> q = tape.constant(batches.charges());
      Var<float> loss;
      rollout(tape, model, batch.graph, tape.constant(batch.input_positions[0]),
              tape.constant(batch.input_velocities[0]), q, edge_charge_products(batch.graph, q), data.dt_frame,
              o.substeps, static_cast<int>(o.window), [&](int k, const Var<float>& x, const Var<float>& v) {
                const auto f = static_cast<std::size_t>(k);
                Var<float> l = mean(square(x - tape.constant(batch.target_positions[f])));
                if (o.velocity_weight > 0)
                  l = l + o.velocity_weight * mean(square(v - tape.constant(batch.target_velocities[f])));
                loss = loss.valid() ? loss + l : l;
              });
      return loss / static_cast<double>(o.window);
    });
  }
  TrainRecord record;
  examples::finish_training(trainer, record);
  return record;
}

}  // namespace dg::lorentz_field
