// The pair laws, as small inline structs that the pair kernels (pair_kernels.hpp, cell_list.hpp)
// are instantiated with. For particles i, j at displacement dx = x_i - x_j, r2 = |dx|^2:
//   scale(i, j, r2)   s with F_i = s * dx on i (and -s * dx on j): s = -(dU/dr) / r
//   energy(i, j, r2)  the pair energy U(r)
//   singular          true when r = 0 is a singularity (such pairs are refused, not computed)
// Internal to physics/.
#pragma once

#include <cmath>

#include "autodiff/shape.hpp"

namespace dg::physics::detail {

// U = strength c_i c_j / sqrt(r^2 + eps^2): Coulomb (strength k, c = charges) or Plummer-softened
// gravity (strength -G, c = masses); eps = 0 is the plain 1/r law.
struct InverseSquareLaw {
  const double* c;  // (N) couplings
  double strength;
  double eps2;
  bool singular;

  double scale(index_t i, index_t j, double r2) const {
    const double u = r2 + eps2;
    return strength * c[i] * c[j] / (u * std::sqrt(u));
  }
  double energy(index_t i, index_t j, double r2) const { return strength * c[i] * c[j] / std::sqrt(r2 + eps2); }
};

// Harmonic springs U = K_ij (r - L_ij)^2 / 2 with per-pair constants K (N, N) and rest lengths
// L (N, N) (none: L = 0, NRI's springs, F_i = -K_ij dx).
struct SpringLaw {
  const double* K;     // (N, N) symmetric
  const double* rest;  // (N, N) symmetric, or nullptr
  index_t n;
  bool singular;  // some rest length > 0: the direction of dx is needed

  double scale(index_t i, index_t j, double r2) const {
    const double k = K[i * n + j];
    if (!rest) return -k;
    return -k * (1.0 - rest[i * n + j] / std::sqrt(r2));
  }
  double energy(index_t i, index_t j, double r2) const {
    const double stretch = std::sqrt(r2) - (rest ? rest[i * n + j] : 0.0);
    return 0.5 * K[i * n + j] * stretch * stretch;
  }
};

// Lennard-Jones U = 4 eps ((sigma/r)^12 - (sigma/r)^6) - shift for r < rc, 0 beyond; shift =
// U(rc) makes the energy continuous at the cutoff (the force is the plain truncated one).
struct LennardJonesLaw {
  double epsilon;
  double sigma2;
  double cutoff2;
  double shift;
  static constexpr bool singular = true;

  double scale(index_t, index_t, double r2) const {
    const double inv_r2 = 1.0 / r2;
    const double s6 = sigma2 * sigma2 * sigma2 * inv_r2 * inv_r2 * inv_r2;
    return r2 < cutoff2 ? 24.0 * epsilon * inv_r2 * s6 * (2.0 * s6 - 1.0) : 0.0;
  }
  double energy(index_t, index_t, double r2) const {
    const double s2 = sigma2 / r2;
    const double s6 = s2 * s2 * s2;
    return r2 < cutoff2 ? 4.0 * epsilon * s6 * (s6 - 1.0) - shift : 0.0;
  }
};

}  // namespace dg::physics::detail
