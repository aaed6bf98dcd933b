// Diagnostics by hand on two- and three-particle systems, and conservation laws of a short
// leapfrog run of gravitating bodies (momentum and angular momentum exactly up to round-off,
// energy to the scheme's error).
#include <doctest/doctest.h>

#include <cmath>

#include "physics/diagnostics.hpp"
#include "physics/force_model.hpp"
#include "physics/pair_forces.hpp"
#include "physics/state.hpp"
#include "physics/validate.hpp"
#include "tests/physics/helpers.hpp"

using namespace dg;
using namespace dg::physics;

TEST_CASE("kinetic energy, momentum, centre of mass by hand") {
  Tensor<double> q(Shape{2, 3}, {1, 0, 0, -1, 2, 0});
  Tensor<double> v(Shape{2, 3}, {0, 1, 0, 3, 0, -2});
  Tensor<double> m(Shape{2}, {2, 1});
  CHECK(kinetic_energy(v, m) == doctest::Approx(0.5 * 2 * 1 + 0.5 * 1 * 13));
  const Tensor<double> P = linear_momentum(v, m);
  CHECK(P[0] == 3);
  CHECK(P[1] == 2);
  CHECK(P[2] == -2);
  const Tensor<double> c = center_of_mass(q, m);
  CHECK(c[0] == doctest::Approx(1.0 / 3));
  CHECK(c[1] == doctest::Approx(2.0 / 3));
  remove_center_of_mass_velocity(v, m);
  const Tensor<double> P0 = linear_momentum(v, m);
  for (index_t k = 0; k < 3; ++k) CHECK(std::abs(P0[k]) < 1e-15);
  // kT = 2 KE / (N d - constraints)
  CHECK(kinetic_temperature(v, m, 3) == doctest::Approx(2 * kinetic_energy(v, m) / 3));
}

TEST_CASE("angular momentum: 2D scalar and 3D vector, about the origin or a point") {
  // 3D: m (x cross v) for x = (1, 0, 0), v = (0, 1, 0), m = 2: L = (0, 0, 2); plus x = (0, 0, 1),
  // v = (1, 0, 0), m = 1: L = (0, 1, 0).
  Tensor<double> q(Shape{2, 3}, {1, 0, 0, 0, 0, 1});
  Tensor<double> v(Shape{2, 3}, {0, 1, 0, 1, 0, 0});
  Tensor<double> m(Shape{2}, {2, 1});
  Tensor<double> L = angular_momentum(q, v, m);
  CHECK(L.numel() == 3);
  CHECK(L[0] == 0);
  CHECK(L[1] == 1);
  CHECK(L[2] == 2);
  // About (1, 0, 0) the first particle contributes nothing; the second: (-1, 0, 1) x (1, 0, 0) = (0, 1, 0).
  L = angular_momentum(q, v, m, Tensor<double>(Shape{3}, {1, 0, 0}));
  CHECK(L[0] == 0);
  CHECK(L[1] == 1);
  CHECK(L[2] == 0);
  // 2D: L_z = m (x v_y - y v_x)
  Tensor<double> q2(Shape{1, 2}, {2, 1});
  Tensor<double> v2(Shape{1, 2}, {-1, 3});
  L = angular_momentum(q2, v2, Tensor<double>(Shape{1}, {0.5}));
  CHECK(L.numel() == 1);
  CHECK(L[0] == doctest::Approx(0.5 * (2 * 3 - 1 * -1)));
  CHECK_THROWS_WITH_AS(angular_momentum(q2, v2, Tensor<double>(Shape{1}, {1}), Tensor<double>(Shape{3}, {0, 0, 0})),
                       doctest::Contains("origin must hold d = 2"), PhysicsError);
}

TEST_CASE("Clausius virial and ParticleState validation") {
  Tensor<double> q(Shape{2, 2}, {1, 2, 3, 4});
  Tensor<double> F(Shape{2, 2}, {0.5, -1, 2, 0});
  CHECK(clausius_virial(q, F) == doctest::Approx(0.5 - 2 + 6));
  ParticleState s(3, 2);
  s.validate();
  s.mass[1] = 0;
  CHECK_THROWS_WITH_AS(s.validate("setup"), doctest::Contains("setup: mass of particle 1 must be > 0"), PhysicsError);
  s.mass[1] = 1;
  s.v(2, 0) = INFINITY;
  CHECK_THROWS_WITH_AS(s.validate("setup"), doctest::Contains("velocities v of particle 2"), PhysicsError);
  CHECK_THROWS_WITH_AS(ParticleState(3, 4), doctest::Contains("d = 2 or 3"), PhysicsError);
  CHECK_THROWS_WITH_AS(kinetic_temperature(Tensor<double>::zeros(Shape{1, 2}), Tensor<double>(Shape{1}, {1}), 2),
                       doctest::Contains("no degrees of freedom"), PhysicsError);
}

TEST_CASE("leapfrog with pair gravity conserves momentum and angular momentum") {
  // Three bodies; velocity Verlet written out here. Pair forces are central and antisymmetric,
  // so P and L change only by round-off; the energy error of Verlet is O(dt^2): halving dt
  // divides it by about 4.
  const Tensor<double> m(Shape{3}, {1.0, 0.8, 1.2});
  ForceModel model(m);
  model.add(Gravity(m, {.softening = 0.05}));
  auto run = [&](double dt, int steps) {
    Tensor<double> q(Shape{3, 3}, {1, 0, 0, -0.5, 0.8, 0.1, -0.4, -0.9, -0.2});
    Tensor<double> v(Shape{3, 3}, {0, 0.5, 0.1, -0.4, -0.2, 0, 0.3, -0.3, -0.1});
    auto energy = [&] { return kinetic_energy(v, m) + model.potential_energy(q); };
    const Tensor<double> P0 = linear_momentum(v, m), L0 = angular_momentum(q, v, m);
    const double E0 = energy();
    Tensor<double> a;
    model(q, v, 0, a);
    double worst_dE = 0;
    for (int step = 0; step < steps; ++step) {
      for (index_t i = 0; i < q.numel(); ++i) {
        v[i] += 0.5 * dt * a[i];
        q[i] += dt * v[i];
      }
      model(q, v, 0, a);
      for (index_t i = 0; i < q.numel(); ++i) v[i] += 0.5 * dt * a[i];
      worst_dE = std::max(worst_dE, std::abs(energy() - E0));
    }
    const Tensor<double> P = linear_momentum(v, m), L = angular_momentum(q, v, m);
    for (index_t k = 0; k < 3; ++k) {
      CHECK(std::abs(P[k] - P0[k]) < 1e-12);
      CHECK(std::abs(L[k] - L0[k]) < 1e-11);
    }
    return worst_dE / std::abs(E0);
  };
  const double coarse = run(2e-3, 1500), fine = run(1e-3, 3000);
  CAPTURE(coarse);
  CAPTURE(fine);
  CHECK(fine < 1e-2);
  CHECK(coarse / fine == doctest::Approx(4.0).epsilon(0.15));
}
