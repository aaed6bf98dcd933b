// Training an egnn_nbody network as published: Adam (with weight decay) on the MSE of the predicted
// positions, batches of simulations, one nn::StepTrainer step each; the validation MSE every
// `eval_every` epochs picks the parameters whose test MSE is reported. Our additions for short
// budgets: cosine decay of the learning rate (to lr/100) and a bound on the global gradient norm.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "examples/egnn_nbody/model.hpp"
#include "nn/progress.hpp"

namespace dg::egnn_nbody {

struct TrainSettings {
  std::string name;  // of the model, in error messages
  std::int64_t epochs, batch, eval_every;
  double lr, weight_decay, clip;  // clip: global gradient-norm bound, 0 = none
  bool cosine;
  std::uint64_t seed;
  std::int64_t shards = 0;  // >= 1: data-parallel steps of this many shards (nn::StepTrainer)
};

struct TrainResult {
  std::vector<double> train_loss;              // per epoch, mean over its batches
  std::vector<double> max_grad_norm;           // per epoch, the largest gradient norm (before clipping)
  std::vector<std::int64_t> val_epoch;         // epochs (1-based) at which the validation set was run
  std::vector<double> val_mse;
  std::int64_t best_epoch = 0;
  double best_val = std::numeric_limits<double>::infinity();
  double test_mse = 0, seconds = 0;
};

// Trains `m` and leaves it with the parameters of the best validation MSE; phase / phases: the
// model's place on the progress line. Throws nn::NonFiniteLoss when a step's loss is NaN or Inf.
TrainResult train(Model& m, datasets::WindowLoader<float>& train_loader, datasets::WindowLoader<float>& val_loader,
                  datasets::WindowLoader<float>& test_loader, const TrainSettings& s, nn::ProgressLine& progress,
                  int phase, int phases);

}  // namespace dg::egnn_nbody
