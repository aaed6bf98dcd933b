// The training loop of the learned_energy models (train.hpp).
#include "examples/learned_energy/train.hpp"

#include <algorithm>

#include "nn/adam.hpp"
#include "nn/batches.hpp"
#include "nn/loss.hpp"
#include "nn/step_trainer.hpp"

namespace dg::learned_energy {

std::vector<double> train(Model& model, const ForceData& data, const TrainSettings& ts, nn::ProgressLine& progress,
                          int phase, int phases) {
  nn::Adam<double> opt(model.net.parameters(), {.lr = ts.lr});
  nn::StepTrainer<double> trainer(
      model.net, opt,
      {.name = kind_name(model.kind),
       .steps = ts.steps,
       .schedule = nn::warmup(nn::cosine_schedule(ts.lr, ts.steps, ts.lr * 1e-3), std::min(100, ts.steps / 10)),
       .progress = &progress,
       .phase = phase,
       .phases = phases});
  nn::MiniBatches<double> batches(data.x, data.f, ts.batch, ts.seed, {.drop_last = true});
  std::vector<double> losses;
  for (int epoch = 0; trainer.running(); ++epoch) {
    batches.start_epoch(epoch);
    for (index_t b = 0; b < batches.batch_count() && trainer.running(); ++b) {
      const auto batch = batches.batch(b);
      losses.push_back(trainer
                           .train_step([&](Tape<double>& tape) {
                             return nn::mse_loss(model.forces(tape, batch.inputs, true), tape.constant(batch.targets));
                           })
                           .loss);
    }
  }
  trainer.finish();
  return losses;
}

}  // namespace dg::learned_energy
