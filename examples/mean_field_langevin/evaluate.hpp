// The measures of the mean_field_langevin experiment: the comparison of an underdamped and an
// overdamped run of one objective (final values, and how many evaluations each needs to reach a
// level both reach), and the learned regression function on a grid.
#pragma once

#include <vector>

#include "examples/mean_field_langevin/train.hpp"

namespace dg::mean_field_langevin {

struct Comparison {
  double start = 0, final_under = 0, final_over = 0;  // final: mean over the last tenth of the evaluations
  double level = 0;                                   // 1.1 x the larger final value: both runs reach it
  std::int64_t under_evals = -1, over_evals = -1;     // first evaluation at or below `level` (-1: never)
};
Comparison compare(const Run& under, const Run& over);

// The network of particles theta (N, 3) at the points xg (G, 1): (G).
std::vector<double> predict(const Tensor<double>& theta, const Tensor<double>& xg);
// Mean squared error of f (G) against the noise-free target function at xg (G, 1).
double grid_mse(const std::vector<double>& f, const Tensor<double>& xg);

}  // namespace dg::mean_field_langevin
