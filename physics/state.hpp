// The state of a system of point particles, in double precision, as plain arrays:
//   q (N, d) positions, v (N, d) velocities, mass (N), charge (N); d = 2 or 3.
// Arrays are dg::Tensor<double> (row-major: particle i's coordinates are q[i * d + k]), the same
// type the tape and the data-set writers use, so nothing is copied between layers.
#pragma once

#include <string>

#include "autodiff/tensor.hpp"

namespace dg::physics {

struct ParticleState {
  Tensor<double> q;       // (N, d) positions
  Tensor<double> v;       // (N, d) velocities
  Tensor<double> mass;    // (N) > 0
  Tensor<double> charge;  // (N)
  double t = 0;           // time

  ParticleState() = default;
  // N particles in d dimensions at rest at the origin, mass 1, charge 0.
  ParticleState(index_t n, int d);

  index_t size() const { return q.rows(); }
  int dim() const { return static_cast<int>(q.cols()); }

  // Throws PhysicsError naming `where` and the first bad particle: shapes that do not match,
  // d not 2 or 3, NaN/Inf anywhere, masses <= 0.
  void validate(const std::string& where = "ParticleState") const;
};

}  // namespace dg::physics
