// Training a DynamicsModel on windows of the electrostatic set: from frame s (positions and
// velocities), roll `window` frames forward on the tape and minimise the squared position error
// (plus velocity_weight times the squared velocity error) over those frames; Adam with warm-up and
// cosine decay, clipped gradients.
//
// Relative weighting (relative_floor > 0): each particle's errors are weighted by
// 1 / (|a| + floor)^2, |a| the mean acceleration it shows in the data over the window, normalised
// to mean 1 over the batch. Plain MSE is dominated by close passes by the sources, where
// accelerations reach the cap of 100; the field far from them (|E| ~ 0.1) then barely moves the
// loss and is left wrong. Weighting by the relative error lets the weak field count as much as the
// strong one (measured: median field cosine 0.6 -> 0.96 at equal budget, see README).
//
// Windows come from datasets::WindowLoader (every (simulation, start) pair, shuffled per epoch by
// the seed; with shard_data, one loader per shard over its block of simulations: ShardWindows),
// and step k always trains on batch k of that order: a run resumed from a checkpoint
// (parameters, Adam's state and the step count) sees the same batches as one never interrupted.
// The step itself, the curve file, the checkpoints and the resume are nn::StepTrainer's: the
// checkpoint also holds the run's settings (a resume with other settings is refused unless
// allow_changed_settings) and the sum behind final_loss, and the curve file is cut back to the
// checkpoint's step on a resume, so a resumed run reports what an uninterrupted one does.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "datasets/trajectories.hpp"
#include "examples/common/rollout_training.hpp"
#include "examples/field_discovery/model.hpp"
#include "nn/progress.hpp"
#include "nn/step_trainer.hpp"

namespace dg::field_discovery {

struct TrainOptions {
  std::int64_t steps = 6000;
  std::int64_t batch = 100;            // windows per step
  std::int64_t window = 2;             // frames rolled out per window
  int substeps = 10;                   // integrator steps per frame
  double lr = 1e-3, lr_min = 1e-5;
  std::int64_t warmup = 100;
  double clip = 10;                    // global gradient norm (0: none)
  double velocity_weight = 0;          // adds this times the velocity MSE at the target frames
  double relative_floor = 0;           // > 0: weight each particle's errors by 1 / (|a| + floor)^2
                                       // (|a| its observed mean acceleration; train.cpp)
  std::uint64_t seed = 0;
  std::int64_t checkpoint_every = 500; // steps (0: only at the end)
  bool resume = false;                 // continue from checkpoint_path when it exists
  nn::Settings settings = {};          // saved in the checkpoint; a resume must match them
  bool allow_changed_settings = false; // resume even when they differ
  std::string checkpoint_path;         // .npz (nn/checkpoint.hpp)
  std::string curve_path;              // CSV: step, loss, lr, seconds
  std::int64_t stop_after = -1;        // >= 0: stop after this many steps of this run, as an
                                       // interruption would (checkpoint saved); for tests
  std::function<void(std::int64_t)> on_step;  // called with the count of steps done after each step
  std::int64_t shards = 0;             // >= 1: data-parallel steps of this many shards (nn::StepTrainer)
  bool shard_data = false;             // with shards: shard s trains on its own block of simulations
                                       // (datasets/shard_windows.hpp); `data` then holds the blocks of
                                       // this process's shards and train_sims counts the whole split
  std::int64_t train_sims = 0;
};

// resumed_from, seconds, final_loss (mean of the last 100 steps), ms_per_step, stopped, the curve.
using TrainRecord = examples::RolloutRecord;

// model_index / model_count: the "1/3" of the progress line. Throws nn::NonFiniteLoss naming the
// model and step for a non-finite loss, nn::CheckpointError for a checkpoint that cannot be resumed.
TrainRecord train(DynamicsModel& model, const datasets::Trajectories& data, const TrainOptions& options,
                  nn::ProgressLine& progress, int model_index, int model_count);

}  // namespace dg::field_discovery
