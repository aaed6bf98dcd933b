// Training a learned_energy model: Adam on the mean squared force error, warm-up and cosine decay
// (to lr/1000), shuffled mini-batches of configurations, one nn::StepTrainer step each; both
// models get the same steps, batches and learning rates.
#pragma once

#include <cstdint>
#include <vector>

#include "examples/learned_energy/model.hpp"
#include "nn/progress.hpp"

namespace dg::learned_energy {

struct TrainSettings {
  int steps, batch;
  double lr;
  std::uint64_t seed;
};

// Returns the loss per step; phase / phases: the model's place on the progress line. Throws
// nn::NonFiniteLoss when a step's loss is NaN or Inf.
std::vector<double> train(Model& model, const ForceData& data, const TrainSettings& ts, nn::ProgressLine& progress,
                          int phase, int phases);

}  // namespace dg::learned_energy
