// The data of the mean_field_langevin experiment: the regression samples of y = sin(2x) + 0.3x on
// [-2, 2] with the network's initial particles (a, w, b) ~ N(0, 1), and the MMD target (four
// Gaussians, sd 0.3, at (+-1.5, +-1.5)) with the initial particles N(0, 0.5^2) in 2D.
#pragma once

#include <cstdint>

#include "autodiff/tensor.hpp"

namespace dg::mean_field_langevin {

double target_function(double x);  // sin(2x) + 0.3x

struct MeanFieldData {
  Tensor<double> x, y;      // (n, 1) regression inputs and targets
  Tensor<double> theta0;    // (N, 3) the network's initial particles
  Tensor<double> target;    // (M, 2) the MMD target sample
  Tensor<double> x0;        // (P, 2) the MMD descent's initial particles
};

MeanFieldData make_data(index_t samples, index_t neurons, index_t mmd_target, index_t mmd_particles, std::uint64_t seed);

}  // namespace dg::mean_field_langevin
