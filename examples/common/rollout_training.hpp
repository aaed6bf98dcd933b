// The training set-up the rollout-trained experiments share (field_discovery, gravity_field,
// lorentz_field), header only: the learning-rate schedule (linear warm-up for min(warmup,
// steps / 10) steps, then cosine decay from lr to lr_min over the rest), the nn::StepTrainer
// options all of them set (a curve row every 10th step), and the curve read back from the
// trainer's rows.
//
//   nn::StepTrainerOptions to = examples::rollout_trainer_options(o, model_name(kind), model.describe(),
//                                                                 progress, model_index, model_count, 100);
//   to.resume = o.resume;                                   // what only this experiment sets
//   nn::StepTrainer<float> trainer(model, adam, std::move(to));
//   ...
//   examples::read_curve(trainer.rows(), record.curve_step, record.curve_loss);
#pragma once

#include <algorithm>
#include <cstdint>
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

// Appends each row's step and loss from nn::StepTrainer::rows() (rows of step, loss, lr, seconds:
// those kept from an earlier run, then this one's).
inline void read_curve(const std::vector<double>& rows, std::vector<double>& steps, std::vector<double>& losses) {
  for (std::size_t r = 0; r + 3 < rows.size(); r += 4) {
    steps.push_back(rows[r]);
    losses.push_back(rows[r + 1]);
  }
}

}  // namespace dg::examples
