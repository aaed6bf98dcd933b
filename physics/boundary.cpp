// Boundaries: reflecting walls (as NRI), periodic wrapping and the minimum image.
#include "physics/boundary.hpp"

#include <cmath>
#include <string>

#include "physics/validate.hpp"

namespace dg::physics {

namespace {

void check_box(int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi, const char* where) {
  if (d != 2 && d != 3) fail(where, "dimension must be 2 or 3, got " + std::to_string(d));
  for (int k = 0; k < d; ++k) {
    check_finite(lo[k], where, "lower bound");
    check_finite(hi[k], where, "upper bound");
    if (!(hi[k] > lo[k]))
      fail(where, "box side " + std::to_string(k) + " is empty: lo = " + std::to_string(lo[k]) +
                      ", hi = " + std::to_string(hi[k]));
  }
}

}  // namespace

Boundary Boundary::make(BoundaryKind kind, int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                        const char* where) {
  check_box(d, lo, hi, where);
  Boundary b;
  b.kind_ = kind;
  b.dim_ = d;
  b.lo_ = lo;
  b.hi_ = hi;
  return b;
}

Boundary Boundary::reflecting(int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  return make(BoundaryKind::Reflecting, d, lo, hi, "Boundary::reflecting");
}

Boundary Boundary::reflecting(int d, double half_width) {
  return reflecting(d, {-half_width, -half_width, -half_width}, {half_width, half_width, half_width});
}

Boundary Boundary::periodic(int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi) {
  return make(BoundaryKind::Periodic, d, lo, hi, "Boundary::periodic");
}

Boundary Boundary::periodic(int d, double side) { return periodic(d, {0, 0, 0}, {side, side, side}); }

void Boundary::apply(Tensor<double>& q, Tensor<double>& v) const {
  if (kind_ == BoundaryKind::Open) return;
  const char* where = kind_ == BoundaryKind::Periodic ? "Boundary::apply (periodic)" : "Boundary::apply (reflecting)";
  if (q.shape().rank != 2 || q.cols() != dim_)
    fail(where, "positions must be (N, " + std::to_string(dim_) + ") for this box, got " + q.shape().str());
  const index_t n = q.rows();
  const bool has_v = !is_empty(v);
  if (kind_ == BoundaryKind::Reflecting || has_v)
    if (v.shape() != q.shape()) fail(where, "velocities " + v.shape().str() + " do not match positions " + q.shape().str());

  for (index_t i = 0; i < n; ++i) {
    for (int k = 0; k < dim_; ++k) {
      double& x = q(i, k);
      if (!std::isfinite(x))
        fail(where, "position of particle " + std::to_string(i) + " (component " + std::to_string(k) + ") is " +
                        std::to_string(x));
      if (kind_ == BoundaryKind::Periodic) {
        // Wrap into [lo, hi); the final test guards the rounding of x just below lo.
        const double L = hi_[k] - lo_[k];
        x -= L * std::floor((x - lo_[k]) / L);
        if (x >= hi_[k]) x = lo_[k];
        continue;
      }
      // NRI's walls: reflect the position through the wall and point the velocity inwards.
      double& u = v(i, k);
      if (x > hi_[k]) {
        x = 2 * hi_[k] - x;
        u = -std::abs(u);
      } else if (x < lo_[k]) {
        x = 2 * lo_[k] - x;
        u = std::abs(u);
      }
      if (x > hi_[k] || x < lo_[k])
        fail(where, "particle " + std::to_string(i) + " is at " + std::to_string(x) + " in dimension " +
                        std::to_string(k) + " after reflection, outside [" + std::to_string(lo_[k]) + ", " +
                        std::to_string(hi_[k]) + "]: it moved more than a box width in one step (time step too large?)");
    }
  }
}

std::function<void(Tensor<double>&, Tensor<double>&)> Boundary::as_function() const {
  return [b = *this](Tensor<double>& q, Tensor<double>& v) { b.apply(q, v); };
}

void Boundary::displacement(const double* a, const double* b, int d, double* out) const {
  for (int k = 0; k < d; ++k) {
    out[k] = a[k] - b[k];
    if (kind_ == BoundaryKind::Periodic) {
      const double L = hi_[k] - lo_[k];
      out[k] -= L * std::nearbyint(out[k] / L);  // as the pair kernels' PeriodicMetric
    }
  }
}

}  // namespace dg::physics
