// ParticleState: construction and validation.
#include "physics/state.hpp"

#include "physics/validate.hpp"

namespace dg::physics {

ParticleState::ParticleState(index_t n, int d)
    : q(Tensor<double>::zeros(Shape{n, d})),
      v(Tensor<double>::zeros(Shape{n, d})),
      mass(Tensor<double>::full(Shape{n}, 1.0)),
      charge(Tensor<double>::zeros(Shape{n})) {
  if (n < 0 || (d != 2 && d != 3))
    fail("ParticleState", "needs N >= 0 particles in d = 2 or 3 dimensions, got N = " + std::to_string(n) +
                              ", d = " + std::to_string(d));
}

void ParticleState::validate(const std::string& where) const {
  check_points(q, where, "positions q");
  check_points(v, where, "velocities v", q.rows(), static_cast<int>(q.cols()));
  check_per_particle(mass, q.rows(), where, "mass", /*positive=*/true);
  check_per_particle(charge, q.rows(), where, "charge");
  check_finite(t, where, "time t");
}

}  // namespace dg::physics
