// Training a LorentzModel on windows of the lorentz set: from frame s (positions and velocities),
// roll `window` frames forward on the tape and minimise the mean squared error of the positions
// plus `velocity_weight` times that of the velocities over those frames; Adam with warm-up and
// cosine decay, clipped gradients. Windows come from datasets::WindowLoader (every (simulation,
// start) pair, shuffled per epoch by the seed): step k always trains on batch k of that order,
// with 1 or 2 threads. The step, the curve file and the final checkpoint are nn::StepTrainer's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/trajectories.hpp"
#include "examples/common/rollout_training.hpp"
#include "examples/lorentz_field/model.hpp"
#include "nn/progress.hpp"

namespace dg::lorentz_field {

struct TrainOptions {
  std::int64_t steps = 1000;
  std::int64_t batch = 16;  // windows per step
  std::int64_t window = 2;  // frames rolled out per window
  int substeps = 4;         // integrator steps per frame
  double lr = 3e-3, lr_min = 3e-5;
  std::int64_t warmup = 50;
  double clip = 10;  // global gradient norm (0: none)
  double velocity_weight = 1;
  std::uint64_t seed = 0;
  std::string checkpoint_path = {};  // .npz written at the end ("" none)
  std::string curve_path = {};       // CSV: step, loss, lr, seconds ("" none)
  std::int64_t shards = 0;           // >= 1: each batch cut into this many shards, one tape each, on
                                     // the threads (nn::StepTrainer; results depend on this, not on threads)
};

// seconds, final_loss (mean of the last 50 steps), ms_per_step, the curve.
using TrainRecord = examples::RolloutRecord;

// model_index / model_count: the "1/2" of the progress line. Throws nn::NonFiniteLoss naming the
// model and step for a non-finite loss.
TrainRecord train(LorentzModel& model, const datasets::Trajectories& data, const TrainOptions& options,
                  nn::ProgressLine& progress, int model_index, int model_count);

}  // namespace dg::lorentz_field
