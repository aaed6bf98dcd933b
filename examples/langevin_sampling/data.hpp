// The targets of the langevin_sampling experiment (kT = 1): densities to sample, each with its
// force, its exact histogram bin probabilities and <|x|^2>, and exact samples (so that runs start
// without burn-in bias):
//   double well  U(x) = (x^2 - 1)^2 in 1D
//   mixture      U(x) = -log p(x), p an equal mixture of three isotropic Gaussians in 2D
//                (means (-1.5, 0), (1.5, 0), (0, 1.5), standard deviation 0.5)
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"

namespace dg::langevin_sampling {

// A density to sample, with what is needed to compare samples against it. The histogram covers
// [lo, hi]^dim with `bins` bins per axis (row-major in 2D: bin (i, j) = j * bins + i).
struct Target {
  std::string name;
  index_t dim = 1;
  double lo = 0, hi = 0;
  index_t bins = 0;
  std::function<void(const Tensor<double>& q, Tensor<double>& a)> accel;  // a = -grad U
  std::vector<double> bin_probability;                                    // exact, (bins^dim)
  double mean_r2 = 0;                                                     // exact <|x|^2>
  std::function<void(Philox& rng, Tensor<double>& q)> sample_exact;      // q (N, dim)
};

Target double_well();
Target gaussian_mixture();

}  // namespace dg::langevin_sampling
