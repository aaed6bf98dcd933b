// The training set-up the rollout-trained experiments share (field_discovery, gravity_field,
// lorentz_field), header only: the learning-rate schedule (linear warm-up for min(warmup,
// steps / 10) steps, then cosine decay from lr to lr_min over the rest), the nn::StepTrainer
// options all of them set (a curve row every 10th step; resumable_trainer_options adds those of
// runs resumed from checkpoints), the line announcing each model, and the record a run leaves.
//
//   nn::StepTrainerOptions to = examples::rollout_trainer_options(o, model_name(kind), model.describe(),
//                                                                 progress, model_index, model_count, 100);
//   to.resume = o.resume;                                   // what only this experiment sets
//   nn::StepTrainer<float> trainer(model, adam, std::move(to));
//   examples::RolloutRecord record{.resumed_from = trainer.step()};
//   while (trainer.running()) trainer.train_step(...);
//   examples::finish_training(trainer, record);             // the final checkpoint, seconds, curve
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "nn/progress.hpp"
#include "nn/schedule.hpp"
#include "nn/step_trainer.hpp"

namespace dg::examples {

// lr warmed up over min(warmup, steps / 10) steps (short runs warm up for a tenth), then cosine
// decay to lr_min at `steps`.
inline nn::Schedule warmup_cosine(double lr, double lr_min, std::int64_t warmup, std::int64_t steps) {
  const std::int64_t warm = std::min(warmup, steps / 10);
  const nn::Schedule cosine = nn::cosine_schedule(lr, std::max<std::int64_t>(1, steps - warm), lr_min);
  return warm > 0 ? nn::warmup(cosine, warm) : cosine;
}

// The options every rollout experiment gives its trainer. `o` is the experiment's TrainOptions,
// read for steps, lr, lr_min, warmup, clip, curve_path and checkpoint_path; phase / phases are
// the "1/3" of the progress line; final_loss_steps the window of TrainSummary::final_loss.
template <class TrainOptions>
nn::StepTrainerOptions rollout_trainer_options(const TrainOptions& o, const std::string& name,
                                               const std::string& description, nn::ProgressLine& progress, int phase,
                                               int phases, std::int64_t final_loss_steps) {
  return {.name = name,
          .steps = o.steps,
          .clip_norm = o.clip,
          .schedule = warmup_cosine(o.lr, o.lr_min, o.warmup, o.steps),
          .progress = &progress,
          .phase = phase,
          .phases = phases,
          .metrics_path = o.curve_path,
          .log_every = 10,
          .final_loss_steps = final_loss_steps,
          .checkpoint_path = o.checkpoint_path,
          .description = description};
}

// The same for an experiment whose runs resume from checkpoints: `o` also has checkpoint_every,
// resume, settings and allow_changed_settings (nn::StepTrainer refuses a checkpoint made with other
// settings unless allow_changed_settings, and names the option --allow-changed-settings as the way out).
template <class TrainOptions>
nn::StepTrainerOptions resumable_trainer_options(const TrainOptions& o, const std::string& name,
                                                 const std::string& description, nn::ProgressLine& progress, int phase,
                                                 int phases, std::int64_t final_loss_steps) {
  nn::StepTrainerOptions to = rollout_trainer_options(o, name, description, progress, phase, phases, final_loss_steps);
  to.checkpoint_every = o.checkpoint_every;
  to.resume = o.resume;
  to.settings = o.settings;
  to.allow_changed_settings = o.allow_changed_settings;
  to.override_hint = "pass --allow-changed-settings";
  return to;
}

// "training <name>: <description>, <n> parameters" on stdout (unless quiet), flushed before the
// progress line starts.
inline void announce_training(bool quiet, const std::string& name, const std::string& description,
                              std::int64_t parameters) {
  if (!quiet)
    std::printf("training %s: %s, %lld parameters\n", name.c_str(), description.c_str(),
                static_cast<long long>(parameters));
  std::fflush(stdout);
}

// What a training run leaves for the report.
struct RolloutRecord {
  std::int64_t resumed_from = 0;  // the step the run started at (0, or a checkpoint's)
  double seconds = 0;             // of this run (not counting an earlier, interrupted one)
  double final_loss = 0;          // mean of the last final_loss_steps steps' losses (this and earlier runs)
  double ms_per_step = 0;
  bool stopped = false;                                  // stop_after ended the run before `steps`
  std::vector<double> curve_step = {}, curve_loss = {};  // every 10th step and the last, from the curve file
};

// Ends the run (nn::StepTrainer::finish: the final checkpoint) and fills `record` from its
// summary and its rows (step, loss, lr, seconds: those kept from an earlier run, then this one's).
template <class T>
void finish_training(nn::StepTrainer<T>& trainer, RolloutRecord& record) {
  const nn::TrainSummary summary = trainer.finish();
  record.seconds = summary.seconds;
  record.final_loss = summary.final_loss;
  record.ms_per_step = summary.ms_per_step;
  record.stopped = summary.stopped;
  const std::vector<double>& rows = trainer.rows();
  for (std::size_t r = 0; r + 3 < rows.size(); r += 4) {
    record.curve_step.push_back(rows[r]);
    record.curve_loss.push_back(rows[r + 1]);
  }
}

}  // namespace dg::examples
