// Training a GravityModel through rollouts of the integrator: each step draws `batch` training
// simulations and a start frame in each (from the step's own Philox stream, so step k always sees
// the same batch, with any thread count and after a resume), encodes each simulation's observed
// frames into its code (DynamicField), rolls the state of the start frame `window` frames forward
// on the tape (velocity Verlet, `substeps` per frame) and minimises the mean squared position
// error plus velocity_weight times the mean squared velocity error over those frames, per
// particle weighted by 1 / (|a| + relative_floor)^2 (|a| the particle's observed mean
// acceleration over the window; weights normalised to mean 1 over the batch; relative_floor 0:
// plain MSE). Start frames range over every frame of the training simulations (the code still
// reads only the first `observed`). Adam with warm-up and cosine decay, the global gradient norm
// clipped; the step itself, the curve file, the checkpoints and the resume are nn::StepTrainer's.
// With `codes` (the refit of gravity_field --refit-sims) each simulation's code is fixed, a row of
// that table, and the encoder is not used (its parameters get no gradient and do not move).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "examples/common/rollout_training.hpp"
#include "examples/gravity_field/model.hpp"
#include "nn/progress.hpp"
#include "nn/step_trainer.hpp"

namespace dg::gravity_field {

struct TrainOptions {
  std::int64_t steps = 3000;
  std::int64_t batch = 32;  // simulations (one window each) per step
  std::int64_t window = 2;  // frames rolled out per window
  int substeps = 10;        // integrator steps per frame
  double lr = 2e-3, lr_min = 1e-5;
  std::int64_t warmup = 100;
  double clip = 10;  // global gradient norm (0: none)
  double velocity_weight = 1;
  double relative_floor = 0;   // > 0: weight each particle by 1 / (|a| + floor)^2
  std::int64_t observed = 44;  // frames the encoder reads
  std::int64_t stride = 2;     // every how many of them
  std::uint64_t seed = 0;
  std::int64_t checkpoint_every = 0;  // steps (0: only at the end, when checkpoint_path is set)
  bool resume = false;
  nn::Settings settings = {};   // saved in the checkpoint; a resume must match them
  bool allow_changed_settings = false;  // resume even when they differ (a fine-tune)
  std::string checkpoint_path;  // "" none
  std::string curve_path;       // CSV: step, loss, lr, seconds
  std::int64_t shards = 0;      // >= 1: each step's windows cut into this many shards, one tape each, on
                                // the threads (nn::StepTrainer; results depend on this, not on threads)
  const Tensor<float>* codes = nullptr;  // (S, Z) fixed codes of the simulations (DynamicField), or null
};

// resumed_from, seconds, final_loss (mean of the last 100 steps), ms_per_step, the curve.
using TrainRecord = examples::RolloutRecord;

// model_index / model_count: the "1/3" of the progress line. Throws nn::NonFiniteLoss naming the
// model and step for a non-finite loss, nn::CheckpointError for a checkpoint that cannot be resumed.
TrainRecord train(GravityModel& model, const datasets::Trajectories& data, const TrainOptions& options,
                  nn::ProgressLine& progress, int model_index, int model_count);

}  // namespace dg::gravity_field
