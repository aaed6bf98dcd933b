// The training loop of the learned_energy models (train.hpp).
#include "examples/learned_energy/train.hpp"

#include <algorithm>

#include "nn/adam.hpp"
#include "nn/batches.hpp"
#include "nn/loss.hpp"
#include "nn/schedule.hpp"

namespace dg::learned_energy {

std::vector<double> train(Model& model, const ForceData& data, const TrainSettings& ts, nn::ProgressLine& progress,
                          int phase, int phases) {
  nn::Adam<double> opt(model.net.parameters(), {.lr = ts.lr});
  const nn::Schedule lr = nn::warmup(nn::cosine_schedule(ts.lr, ts.steps, ts.lr * 1e-3), std::min(100, ts.steps / 10));
  nn::MiniBatches<double> batches(data.x, data.f, ts.batch, ts.seed, {.drop_last = true});
  Tape<double> tape;
  std::vector<double> losses;
  for (int step = 0, epoch = 0; step < ts.steps; ++epoch) {
    batches.start_epoch(epoch);
    for (index_t b = 0; b < batches.batch_count() && step < ts.steps; ++b, ++step) {
      const auto batch = batches.batch(b);
      tape.reset();
      Var<double> loss = nn::mse_loss(model.forces(tape, batch.inputs, true), tape.constant(batch.targets));
      tape.backward(loss);
      opt.set_lr(lr(step));
      opt.step();
      opt.zero_grad();
      losses.push_back(loss.item());
      progress.update(phase, phases, step + 1, ts.steps, losses.back());
    }
  }
  return losses;
}

}  // namespace dg::learned_energy
