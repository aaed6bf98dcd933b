// Regular grids of points, for writing a true field on a grid (the data sets store the field of
// the sources next to the trajectories):
//
//   Tensor<double> pts = grid_points(2, {-5, -5}, {5, 5}, {64, 64});   // (64 * 64, 2)
//   sources.field_at(pts, E);  apply_cap(ForceCap::norm(100), E);      // Aether's plotted field
//
// Points are linspace(lo_k, hi_k, n_k) per dimension (both ends included; n_k = 1 gives lo_k);
// the first dimension varies fastest: point (i0, i1, i2) is row i0 + n0 (i1 + n1 i2).
#pragma once

#include <array>

#include "autodiff/tensor.hpp"

namespace dg::physics {

Tensor<double> grid_points(int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                           const std::array<index_t, 3>& counts);

}  // namespace dg::physics
