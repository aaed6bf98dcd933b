// Regular grids of points (see grid.hpp).
#include "physics/grid.hpp"

#include <string>

#include "physics/validate.hpp"

namespace dg::physics {

Tensor<double> grid_points(int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                           const std::array<index_t, 3>& counts) {
  const char* where = "grid_points";
  if (d != 2 && d != 3) fail(where, "dimension must be 2 or 3, got " + std::to_string(d));
  index_t total = 1;
  for (int k = 0; k < d; ++k) {
    check_finite(lo[k], where, "lo");
    check_finite(hi[k], where, "hi");
    if (counts[k] < 1 || counts[k] > (index_t{1} << 24))
      fail(where, "count " + std::to_string(k) + " must be in [1, 2^24], got " + std::to_string(counts[k]));
    total *= counts[k];
    if (total > (index_t{1} << 30)) fail(where, "more than 2^30 grid points asked for");
  }
  Tensor<double> pts(Shape{total, d});  // (P, d)
  for (index_t p = 0; p < total; ++p) {
    index_t rest = p;
    for (int k = 0; k < d; ++k) {
      const index_t i = rest % counts[k];
      rest /= counts[k];
      const double f = counts[k] > 1 ? static_cast<double>(i) / static_cast<double>(counts[k] - 1) : 0.0;
      pts(p, k) = lo[k] + (hi[k] - lo[k]) * f;
    }
  }
  return pts;
}

}  // namespace dg::physics
