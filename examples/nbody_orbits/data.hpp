// The systems of the nbody_orbits experiment (G = 1), their starting states and energies:
//   figure eight  three unit masses on the Chenciner-Montgomery orbit (period T = 6.32591398),
//                 2D, no softening;
//   Plummer       N equal masses (total 1) drawn from a Plummer sphere in virial equilibrium
//                 (Aarseth, Henon and Wielen 1974; Henon units, E = -1/4), 3D, softened gravity.
#pragma once

#include <cstdint>

#include "physics/force_model.hpp"

namespace dg::nbody_orbits {

constexpr double kPeriod = 6.32591398;  // of the figure eight

struct System {
  physics::ForceModel model;
  Tensor<double> mass, q0, v0;  // (N), (N, d), (N, d)
  double energy(const Tensor<double>& q, const Tensor<double>& v) const;
};

System figure_eight();

// N bodies of mass 1/N from the Plummer model with scale a = 3 pi / 16 (Henon units), radii cut
// at 10 a; speeds by von Neumann rejection from q^2 (1 - q^2)^(7/2); centre of mass at rest at 0.
System plummer(index_t n, double softening, std::uint64_t seed);

}  // namespace dg::nbody_orbits
