// Evaluation of the egnn_nbody models: the mean squared position error over a split, and the
// predictions of one batch (for the picture).
#pragma once

#include <vector>

#include "examples/egnn_nbody/model.hpp"

namespace dg::egnn_nbody {

// Mean squared position error over every window of `loader` (no gradients).
double mean_squared_error(Model& m, datasets::WindowLoader<float>& loader, Tape<float>& tape);

// Each model's predicted positions (M, d) for the batch `b`, in the order of `models` (no gradients).
std::vector<Tensor<float>> predictions(const std::vector<Model*>& models, const Batch& b);

}  // namespace dg::egnn_nbody
