// Force caps (per component or on the norm of each particle's total force).
#include "physics/cap.hpp"

#include <algorithm>
#include <cmath>

#include "physics/validate.hpp"

namespace dg::physics {

ForceCap ForceCap::per_component(double limit) {
  check_positive(limit, "ForceCap::per_component", "limit");
  return {CapKind::PerComponent, limit};
}

ForceCap ForceCap::norm(double limit) {
  check_positive(limit, "ForceCap::norm", "limit");
  return {CapKind::Norm, limit};
}

void apply_cap(const ForceCap& cap, Tensor<double>& F) {
  if (cap.kind == CapKind::None) return;
  const index_t n = F.rows(), d = F.cols();
  double* f = F.data();
  if (cap.kind == CapKind::PerComponent) {
    for (index_t i = 0; i < n * d; ++i) f[i] = std::clamp(f[i], -cap.limit, cap.limit);
    return;
  }
  // Norm cap: rows longer than the limit are rescaled onto the sphere of radius `limit`.
  for (index_t i = 0; i < n; ++i) {
    double r2 = 0;
    for (index_t k = 0; k < d; ++k) r2 += f[i * d + k] * f[i * d + k];
    if (r2 > cap.limit * cap.limit) {
      const double factor = cap.limit / std::sqrt(r2);
      for (index_t k = 0; k < d; ++k) f[i * d + k] *= factor;
    }
  }
}

}  // namespace dg::physics
