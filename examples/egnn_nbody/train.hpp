// Training an egnn_nbody network as published: Adam (with weight decay) on the MSE of the predicted
// positions, batches of simulations, one nn::StepTrainer step each; the validation MSE every
// `eval_every` epochs picks the parameters whose test MSE is reported. Our additions for short
// budgets: cosine decay of the learning rate (to lr/100) and a bound on the global gradient norm.
//
// Resumable (the published budget runs for hours): after every `checkpoint_every` epochs, once the
// epoch's validation is done, the checkpoint (nn/checkpoint.hpp) holds the network, Adam's state,
// the step count, the parameters of the best validation MSE so far (buffers "best.<i>") and the
// run's settings; the per-epoch curve file (step, epoch, train_loss, max_grad_norm, val_mse,
// seconds) is written row by row before it. A resume (nn::StepTrainer: the settings must match)
// cuts the curve back to the checkpoint's step and rebuilds the record from it; batches are those
// of the epoch number (WindowLoader), so an interrupted and resumed run ends with the same bits as
// one never interrupted (tests/examples/egnn_resume_test.cpp).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "examples/egnn_nbody/model.hpp"
#include "nn/checkpoint.hpp"
#include "nn/progress.hpp"

namespace dg::egnn_nbody {

struct TrainSettings {
  std::string name;  // of the model, in error messages
  std::int64_t epochs, batch, eval_every;
  double lr, weight_decay, clip;  // clip: global gradient-norm bound, 0 = none
  bool cosine;
  std::uint64_t seed;
  std::string checkpoint_path = {};     // "" none
  std::string curve_path = {};          // per-epoch CSV ("" none)
  std::int64_t checkpoint_every = 0;    // epochs between checkpoints (0: only at the end)
  bool resume = false;                  // continue from checkpoint_path when it exists
  nn::Settings settings = {};           // saved in the checkpoint; a resume must match them
  bool allow_changed_settings = false;  // resume even when they differ
  std::int64_t stop_after = -1;         // >= 0: stop after this many epochs of this process (as an
                                        // interruption would; the checkpoint is saved)
  std::int64_t log_every = 0;           // > 0: a line on stdout every that many epochs (long runs)
  std::int64_t shards = 0;              // >= 1: data-parallel steps of this many shards (nn::StepTrainer)
};

struct TrainResult {
  std::vector<double> train_loss;              // per epoch, mean over its batches
  std::vector<double> max_grad_norm;           // per epoch, the largest gradient norm (before clipping)
  std::vector<std::int64_t> val_epoch;         // epochs (1-based) at which the validation set was run
  std::vector<double> val_mse;
  std::int64_t best_epoch = 0;
  double best_val = std::numeric_limits<double>::infinity();
  double test_mse = 0;
  double seconds = 0;             // of this process
  double seconds_all = 0;         // of this and the earlier, interrupted runs (the curve's last)
  std::int64_t resumed_from = 0;  // the epoch this process started at
  bool stopped = false;           // stop_after ended the run before `epochs`
};

// Trains `m` and leaves it with the parameters of the best validation MSE; phase / phases: the
// model's place on the progress line. Throws nn::NonFiniteLoss when a step's loss is NaN or Inf,
// nn::CheckpointError for a checkpoint that cannot be resumed (other settings, another model, a
// step that is not an epoch's end). When stopped, the test MSE is not computed (left 0).
TrainResult train(Model& m, datasets::WindowLoader<float>& train_loader, datasets::WindowLoader<float>& val_loader,
                  datasets::WindowLoader<float>& test_loader, const TrainSettings& s, nn::ProgressLine& progress,
                  int phase, int phases);

}  // namespace dg::egnn_nbody
