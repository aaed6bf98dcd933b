// The training loop of the egnn_nbody networks (train.hpp).
#include "examples/egnn_nbody/train.hpp"

#include <algorithm>
#include <chrono>

#include "datasets/window_shards.hpp"
#include "distributed/world.hpp"
#include "examples/common/checks.hpp"
#include "examples/egnn_nbody/evaluate.hpp"
#include "nn/adam.hpp"
#include "nn/loss.hpp"
#include "nn/step_trainer.hpp"

namespace dg::egnn_nbody {

TrainResult train(Model& m, datasets::WindowLoader<float>& train_loader, datasets::WindowLoader<float>& val_loader,
                  datasets::WindowLoader<float>& test_loader, const TrainSettings& s, nn::ProgressLine& progress,
                  int phase, int phases) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<nn::NamedParameter<float>> params = m.parameters();
  nn::Adam<float> opt(params, {.lr = s.lr, .weight_decay = s.weight_decay});
  const std::int64_t total = s.epochs * train_loader.batch_count();
  nn::StepTrainer<float> trainer(
      m.module(), opt,
      {.name = s.name,
       .steps = total,
       .clip_norm = s.clip,
       .measure_grad_norm = true,  // the largest norm of each epoch goes to training.csv
       .schedule = s.cosine ? nn::cosine_schedule(s.lr, total, s.lr * 1e-2) : nn::constant_schedule(s.lr),
       .progress = &progress,
       .phase = phase,
       .phases = phases,
       .shards = s.shards,
       .communicator = &distributed::world()});
  datasets::WindowShards<float> shards(s.shards);
  std::vector<Tensor<float>> best(params.size());
  Tape<float> eval_tape;
  TrainResult r;
  for (std::int64_t epoch = 0; epoch < s.epochs; ++epoch) {
    train_loader.start_epoch(epoch);
    double sum = 0, max_norm = 0;
    for (std::int64_t k = 0; k < train_loader.batch_count(); ++k) {
      const Batch& b = train_loader.batch(k);
      const nn::StepStats step = trainer.train_step([&](Tape<float>& tape, std::int64_t shard) {
        if (s.shards == 0) return nn::mse_loss(m.predict(tape, b), tape.constant(b.target_positions[0]));
        const Batch& part = shards.cut(b, shard);  // its windows; its share of the batch's mean
        return nn::mse_loss(m.predict(tape, part), tape.constant(part.target_positions[0])) * shards.share(b, shard);
      });
      max_norm = std::max(max_norm, step.grad_norm);
      sum += step.loss;
    }
    r.train_loss.push_back(sum / double(train_loader.batch_count()));
    r.max_grad_norm.push_back(max_norm);
    if ((epoch + 1) % s.eval_every == 0 || epoch + 1 == s.epochs) {
      r.val_epoch.push_back(epoch + 1);
      r.val_mse.push_back(mean_squared_error(m, val_loader, eval_tape));
      if (r.val_mse.back() < r.best_val) {  // keep the parameters of the best validation MSE
        r.best_val = r.val_mse.back();
        r.best_epoch = epoch + 1;
        for (std::size_t i = 0; i < params.size(); ++i) best[i] = params[i].param->value;
      }
    }
  }
  trainer.finish();
  for (std::size_t i = 0; i < params.size(); ++i) params[i].param->value = best[i];
  r.test_mse = mean_squared_error(m, test_loader, eval_tape);
  r.seconds = examples::seconds_since(start);
  return r;
}

}  // namespace dg::egnn_nbody
