// Training a gravity_field model on observed accelerations: each step draws `sims_per_step`
// training simulations and `frames_per_sim` observed frames of each (from the step's own Philox
// stream, so step k always sees the same batch), encodes each simulation's observed frames into
// its code, and minimises |a_pred - a|^2 / (|a| + 1)^2 (the close passes near the heavy mass do
// not dominate); Adam with warm-up and cosine decay, gradient norm clipped at 10, one
// nn::StepTrainer step each.
#pragma once

#include <cstdint>
#include <vector>

#include "examples/gravity_field/model.hpp"
#include "nn/progress.hpp"

namespace dg::gravity_field {

struct TrainSettings {
  std::int64_t steps, sims_per_step, frames_per_sim, observed, stride;
  double lr;
  std::uint64_t seed;
};

// Returns the loss of every step; phase: the model's place (of 2) on the progress line. Throws
// nn::NonFiniteLoss when a step's loss is NaN or Inf.
std::vector<double> train(GravityModel& m, const Split& d, const TrainSettings& s, nn::ProgressLine& progress, int phase);

}  // namespace dg::gravity_field
