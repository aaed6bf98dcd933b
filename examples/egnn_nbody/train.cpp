// The training loop of the egnn_nbody networks (train.hpp).
#include "examples/egnn_nbody/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "datasets/window_shards.hpp"
#include "distributed/world.hpp"
#include "examples/common/checks.hpp"
#include "examples/egnn_nbody/evaluate.hpp"
#include "nn/adam.hpp"
#include "nn/loss.hpp"
#include "nn/step_trainer.hpp"

namespace dg::egnn_nbody {

namespace {

// What a checkpoint holds beside Adam's state: the network ("model.<path>") and the parameters of
// the best validation MSE so far ("best.<i>", in the order of the network's parameters).
class TrainState final : public nn::Module<float> {
 public:
  TrainState(nn::Module<float>& model, const std::vector<nn::NamedParameter<float>>& params) : best_(params.size()) {
    register_module("model", model);
    register_module("best", best_module_);
    for (std::size_t i = 0; i < params.size(); ++i) best_[i] = params[i].param->value;
    best_module_.add(best_);
  }
  std::vector<Tensor<float>>& best() { return best_; }

 private:
  struct Buffers final : nn::Module<float> {
    void add(std::vector<Tensor<float>>& tensors) {
      for (std::size_t i = 0; i < tensors.size(); ++i) register_buffer(std::to_string(i), tensors[i]);
    }
  };
  std::vector<Tensor<float>> best_;  // sized once: the buffers point into it
  Buffers best_module_;
};

const std::vector<std::string> kCurveColumns = {"step", "epoch", "train_loss", "max_grad_norm", "val_mse", "seconds"};

// The record of the epochs before `first_epoch`, from the curve rows a resume kept.
void rebuild(TrainResult& r, const std::vector<double>& rows, std::int64_t first_epoch, const std::string& where) {
  const std::size_t width = kCurveColumns.size();
  if (rows.size() != std::size_t(first_epoch) * width)
    throw nn::CheckpointError(where + ": the checkpoint is at epoch " + std::to_string(first_epoch) +
                              " but the curve file keeps " + std::to_string(rows.size() / width) +
                              " epoch rows up to it (a curve file of another run?)");
  for (std::size_t k = 0; k < rows.size(); k += width) {
    r.train_loss.push_back(rows[k + 2]);
    r.max_grad_norm.push_back(rows[k + 3]);
    if (!std::isnan(rows[k + 4])) {
      r.val_epoch.push_back(static_cast<std::int64_t>(rows[k + 1]));
      r.val_mse.push_back(rows[k + 4]);
      if (r.val_mse.back() < r.best_val) r.best_val = r.val_mse.back(), r.best_epoch = r.val_epoch.back();
    }
    r.seconds_all = rows[k + 5];
  }
}

}  // namespace

TrainResult train(Model& m, datasets::WindowLoader<float>& train_loader, datasets::WindowLoader<float>& val_loader,
                  datasets::WindowLoader<float>& test_loader, const TrainSettings& s, nn::ProgressLine& progress,
                  int phase, int phases) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<nn::NamedParameter<float>> params = m.parameters();
  TrainState state(m.module(), params);
  nn::Adam<float> opt(params, {.lr = s.lr, .weight_decay = s.weight_decay});
  const std::int64_t per_epoch = train_loader.batch_count();
  const std::int64_t total = s.epochs * per_epoch;
  const nn::Schedule schedule = s.cosine ? nn::cosine_schedule(s.lr, total, s.lr * 1e-2) : nn::constant_schedule(s.lr);
  nn::StepTrainer<float> trainer(
      state, opt,
      {.name = s.name,
       .steps = total,
       .clip_norm = s.clip,
       .measure_grad_norm = true,  // the largest norm of each epoch goes to training.csv
       .schedule = schedule,
       .progress = &progress,
       .phase = phase,
       .phases = phases,
       .metrics_path = s.curve_path,
       .metrics_columns = kCurveColumns,
       .final_loss_steps = 0,  // not used here; the checkpoints below then save the same values
       .checkpoint_path = s.checkpoint_path,
       .description = m.describe(),
       .resume = s.resume,
       .settings = s.settings,
       .allow_changed_settings = s.allow_changed_settings,
       .override_hint = "pass --allow-changed-settings",
       .stop_after = s.stop_after >= 0 ? s.stop_after * per_epoch : -1,
       .shards = s.shards,
       .communicator = &distributed::world()});
  datasets::WindowShards<float> shards(s.shards);
  if (trainer.step() % per_epoch != 0)
    throw nn::CheckpointError(s.checkpoint_path + ": saved at step " + std::to_string(trainer.step()) +
                              ", not at the end of an epoch of " + std::to_string(per_epoch) + " steps");
  const std::int64_t first_epoch = trainer.step() / per_epoch;
  // The lr of the last step taken (Adam's describe(), saved in the checkpoint, shows it), as an
  // uninterrupted run has it; it matters when a resume has no step left to take.
  if (opt.step_count() > 0) opt.set_lr(schedule(opt.step_count() - 1));
  TrainResult r;
  r.resumed_from = first_epoch;
  if (first_epoch > 0) rebuild(r, trainer.rows(), first_epoch, s.curve_path);
  const double earlier_seconds = r.seconds_all;
  auto save = [&] {
    if (s.checkpoint_path.empty() || distributed::world().rank() != 0) return;  // under MPI, rank 0 writes
    nn::save_checkpoint(s.checkpoint_path, state, opt,
                        {.description = m.describe(),
                         .step = trainer.step(),
                         .settings = s.settings,
                         .values = {{"final_loss_sum", 0.0}, {"final_loss_count", 0.0}}});  // as trainer.finish()
  };

  Tape<float> eval_tape(params.front().param->value.device());  // where the network lives
  for (std::int64_t epoch = first_epoch; epoch < s.epochs; ++epoch) {
    if (!trainer.running()) break;  // stop_after
    train_loader.start_epoch(epoch);
    double sum = 0, max_norm = 0;
    for (std::int64_t k = 0; k < per_epoch; ++k) {
      const Batch& b = train_loader.batch(k);
      const nn::StepStats step = trainer.train_step([&](Tape<float>& tape, std::int64_t shard) {
        if (s.shards == 0) return nn::mse_loss(m.predict(tape, b), tape.constant(b.target_positions[0]));
        const Batch& part = shards.cut(b, shard);  // its windows; its share of the batch's mean
        return nn::mse_loss(m.predict(tape, part), tape.constant(part.target_positions[0])) * shards.share(b, shard);
      });
      max_norm = std::max(max_norm, step.grad_norm);
      sum += step.loss;
    }
    r.train_loss.push_back(sum / double(per_epoch));
    r.max_grad_norm.push_back(max_norm);
    double val = std::nan("");
    if ((epoch + 1) % s.eval_every == 0 || epoch + 1 == s.epochs) {
      val = mean_squared_error(m, val_loader, eval_tape);
      r.val_epoch.push_back(epoch + 1);
      r.val_mse.push_back(val);
      if (val < r.best_val) {  // keep the parameters of the best validation MSE
        r.best_val = val;
        r.best_epoch = epoch + 1;
        for (std::size_t i = 0; i < params.size(); ++i) state.best()[i] = params[i].param->value;
      }
    }
    r.seconds_all = earlier_seconds + trainer.seconds();
    trainer.log_row({double(trainer.step()), double(epoch + 1), r.train_loss.back(), max_norm, val, r.seconds_all});
    if (s.checkpoint_every > 0 && (epoch + 1) % s.checkpoint_every == 0) save();
    if (s.log_every > 0 && distributed::world().rank() == 0 && ((epoch + 1) % s.log_every == 0 || epoch + 1 == s.epochs)) {
      const double per = trainer.seconds() / double(epoch + 1 - first_epoch);
      char left[32];
      nn::ProgressLine::format_duration(per * double(s.epochs - epoch - 1), left, sizeof left);
      std::printf("%s epoch %lld/%lld: train %.5f, best val %.5f (epoch %lld), %.3f s/epoch, %s left\n", s.name.c_str(),
                  static_cast<long long>(epoch + 1), static_cast<long long>(s.epochs), r.train_loss.back(), r.best_val,
                  static_cast<long long>(r.best_epoch), per, left);
      std::fflush(stdout);
    }
  }
  const nn::TrainSummary summary = trainer.finish();  // saves the checkpoint at the last step run
  r.stopped = summary.stopped;
  r.seconds = examples::seconds_since(start);
  if (r.stopped) return r;
  for (std::size_t i = 0; i < params.size(); ++i) params[i].param->value = state.best()[i];
  r.test_mse = mean_squared_error(m, test_loader, eval_tape);
  return r;
}

}  // namespace dg::egnn_nbody
