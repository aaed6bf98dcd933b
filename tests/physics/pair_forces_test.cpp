// Pair forces: against hand-computed two- and three-body cases, against minus the
// finite-difference gradient of their energies, Newton's third law, the virial, and the errors
// for coincident particles and bad parameters.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "physics/pair_forces.hpp"
#include "physics/validate.hpp"
#include "tests/physics/helpers.hpp"

using namespace dg;
using namespace dg::physics;
using dg::test::max_abs;
using dg::test::max_abs_diff;

namespace {

Tensor<double> forces_of(const Force& f, const Tensor<double>& q) {
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  f.add_forces(q, Tensor<double>(), 0.0, F);
  return F;
}

// |F + dU/dq| relative to |F|, by central differences of the force's own energy.
double gradient_error(const Force& f, const Tensor<double>& q) {
  const Tensor<double> F = forces_of(f, q);
  const Tensor<double> G = dg::test::minus_gradient_fd([&](const Tensor<double>& x) { return f.potential_energy(x, 0); }, q);
  return max_abs_diff(F, G) / std::max(1.0, max_abs(F));
}

// The largest component of sum_i F_i relative to the largest force.
double net_force(const Tensor<double>& F) {
  double worst = 0;
  for (index_t k = 0; k < F.cols(); ++k) {
    double s = 0;
    for (index_t i = 0; i < F.rows(); ++i) s += F(i, k);
    worst = std::max(worst, std::abs(s));
  }
  return worst / std::max(1e-300, max_abs(F));
}

}  // namespace

TEST_CASE("two charges: Coulomb's law by hand") {
  // q1 = 2 at the origin, q2 = -3 at (0, 2): attraction of k q1 q2 / r^2 = 1.5 * 6 / 4.
  Tensor<double> q(Shape{2, 2}, {0, 0, 0, 2});
  Coulomb c(Tensor<double>(Shape{2}, {2, -3}), {.k = 1.5});
  const Tensor<double> F = forces_of(c, q);
  CHECK(F(0, 0) == 0.0);
  CHECK(F(0, 1) == doctest::Approx(1.5 * 6 / 4));  // pulled towards +y
  CHECK(F(1, 1) == doctest::Approx(-1.5 * 6 / 4));
  CHECK(c.potential_energy(q) == doctest::Approx(1.5 * 2 * -3 / 2.0));
  // For a 1/r potential r dU/dr = -U, so the virial sum r . F equals U.
  CHECK(c.virial(q) == doctest::Approx(c.potential_energy(q)));
}

TEST_CASE("three masses on a line: softened gravity by hand") {
  // Masses 1, 2, 3 at x = 0, 1, 3 with eps = 0.5: each pair pulls with G m_i m_j r / (r^2 + eps^2)^1.5.
  Tensor<double> q(Shape{3, 3}, {0, 0, 0, 1, 0, 0, 3, 0, 0});
  const double G = 0.7, eps = 0.5;
  Gravity g(Tensor<double>(Shape{3}, {1, 2, 3}), {.G = G, .softening = eps});
  auto pull = [&](double mi, double mj, double r) { return G * mi * mj * r / std::pow(r * r + eps * eps, 1.5); };
  const Tensor<double> F = forces_of(g, q);
  CHECK(F(0, 0) == doctest::Approx(pull(1, 2, 1) + pull(1, 3, 3)));
  CHECK(F(1, 0) == doctest::Approx(-pull(1, 2, 1) + pull(2, 3, 2)));
  CHECK(F(2, 0) == doctest::Approx(-pull(1, 3, 3) - pull(2, 3, 2)));
  const double U = -G * (1 * 2 / std::sqrt(1 + eps * eps) + 1 * 3 / std::sqrt(9 + eps * eps) + 2 * 3 / std::sqrt(4 + eps * eps));
  CHECK(g.potential_energy(q) == doctest::Approx(U));
}

TEST_CASE("springs: NRI's law and rest lengths by hand") {
  Tensor<double> q(Shape{3, 2}, {0, 0, 3, 4, 0, 1});
  Tensor<double> K(Shape{3, 3}, {0, 0.1, 0, 0.1, 0, 0, 0, 0, 0});  // one spring 0-1 of constant 0.1
  Springs nri(K);
  Tensor<double> F = forces_of(nri, q);
  CHECK(F(0, 0) == doctest::Approx(0.3));  // -k (x_0 - x_1)
  CHECK(F(0, 1) == doctest::Approx(0.4));
  CHECK(F(2, 0) == 0.0);
  CHECK(nri.potential_energy(q) == doctest::Approx(0.5 * 0.1 * 25));

  // Rest length 2 on the same spring: stretched by 3, pulled by 0.1 * 3 along the unit vector.
  Tensor<double> L(Shape{3, 3}, {0, 2, 0, 2, 0, 0, 0, 0, 0});
  Springs rest(K, {.rest_length = L});
  F = forces_of(rest, q);
  CHECK(F(0, 0) == doctest::Approx(0.1 * 3 * 0.6));
  CHECK(F(0, 1) == doctest::Approx(0.1 * 3 * 0.8));
  CHECK(rest.potential_energy(q) == doctest::Approx(0.5 * 0.1 * 9));
}

TEST_CASE("Lennard-Jones: the minimum, the cutoff and the shift") {
  const double rmin = std::pow(2.0, 1.0 / 6.0);
  LennardJones unshifted({.epsilon = 2, .sigma = 1, .cutoff = 2.5, .shift = false});
  Tensor<double> q(Shape{2, 3}, {0, 0, 0, rmin, 0, 0});
  CHECK(max_abs(forces_of(unshifted, q)) < 1e-12);
  CHECK(unshifted.potential_energy(q) == doctest::Approx(-2.0));
  // Shifted: U(r) - U(rc), U(rc) = 4 eps (rc^-12 - rc^-6).
  LennardJones shifted({.epsilon = 2, .sigma = 1, .cutoff = 2.5, .shift = true});
  const double Urc = 8 * (std::pow(2.5, -12) - std::pow(2.5, -6));
  CHECK(shifted.potential_energy(q) == doctest::Approx(-2.0 - Urc));
  // Beyond the cutoff nothing acts.
  Tensor<double> far(Shape{2, 3}, {0, 0, 0, 2.6, 0, 0});
  CHECK(max_abs(forces_of(shifted, far)) == 0.0);
  CHECK(shifted.potential_energy(far) == 0.0);
  // At r = 1 (sigma): F = 24 eps (2 - 1) / r = 48, repulsive.
  Tensor<double> near(Shape{2, 3}, {0, 0, 0, 1, 0, 0});
  CHECK(forces_of(shifted, near)(1, 0) == doctest::Approx(48.0));
}

TEST_CASE("forces are minus the gradient of the energies (2D and 3D, small and parallel paths)") {
  for (int d : {2, 3}) {
    for (index_t n : {5, 80}) {  // 80 > kSerialPairsMax: the parallel per-target path
      CAPTURE(d);
      CAPTURE(n);
      const Tensor<double> q = dg::test::random_points(n, d, -3, 3, 10 + static_cast<std::uint64_t>(n) + d);
      const Tensor<double> charge = dg::test::random_signs(n, 3);
      const Tensor<double> mass = dg::test::random_values(n, 0.5, 2, 4);
      CHECK(gradient_error(Coulomb(charge), q) < 1e-5);
      CHECK(gradient_error(Coulomb(charge, {.k = 2, .softening = 0.3}), q) < 1e-6);
      CHECK(gradient_error(Gravity(mass, {.G = 1, .softening = 0.1}), q) < 1e-6);

      Tensor<double> K(Shape{n, n}), L(Shape{n, n});
      for (index_t i = 0; i < n; ++i)
        for (index_t j = 0; j <= i; ++j) {
          K(i, j) = K(j, i) = ((i + j) % 2) ? 0.1 : 0.0;
          L(i, j) = L(j, i) = 0.5 + 0.01 * static_cast<double>(i + j);
        }
      CHECK(gradient_error(Springs(K), q) < 1e-6);
      CHECK(gradient_error(Springs(K, {.rest_length = L}), q) < 1e-6);
    }
  }
  // Lennard-Jones on a lattice with some disorder (no pair closer than 0.8 sigma).
  Tensor<double> q(Shape{27, 3});
  const Tensor<double> jitter = dg::test::random_points(27, 3, -0.1, 0.1, 5);
  for (index_t i = 0; i < 27; ++i) {
    q(i, 0) = 1.1 * static_cast<double>(i % 3) + jitter(i, 0);
    q(i, 1) = 1.1 * static_cast<double>((i / 3) % 3) + jitter(i, 1);
    q(i, 2) = 1.1 * static_cast<double>(i / 9) + jitter(i, 2);
  }
  CHECK(gradient_error(LennardJones({.cutoff = 10.0}), q) < 1e-6);
}

TEST_CASE("Newton's third law: the internal forces sum to zero") {
  for (index_t n : {7, 150}) {
    CAPTURE(n);
    const Tensor<double> q = dg::test::random_points(n, 3, -2, 2, 21);
    CHECK(net_force(forces_of(Coulomb(dg::test::random_signs(n, 1)), q)) < 1e-12);
    CHECK(net_force(forces_of(Gravity(dg::test::random_values(n, 1, 3, 2), {.softening = 0.05}), q)) < 1e-12);
  }
}

TEST_CASE("the pair virial of an open system equals sum_i x_i . F_i") {
  const index_t n = 30;
  const Tensor<double> q = dg::test::random_points(n, 2, -2, 2, 8);
  Gravity g(dg::test::random_values(n, 1, 2, 9), {.softening = 0.2});
  const Tensor<double> F = forces_of(g, q);
  double clausius = 0;
  for (index_t i = 0; i < q.numel(); ++i) clausius += q[i] * F[i];
  CHECK(g.virial(q) == doctest::Approx(clausius).epsilon(1e-12));
}

TEST_CASE("periodic pair forces use the minimum image") {
  // Two particles 0.5 apart across the boundary of a box of side 10 attract as if 0.5 apart.
  const Boundary box = Boundary::periodic(2, 10.0);
  Tensor<double> q(Shape{2, 2}, {0.2, 5, 9.7, 5});
  Gravity g(Tensor<double>(Shape{2}, {1, 1}), {.boundary = box});
  const Tensor<double> F = forces_of(g, q);
  CHECK(F(0, 0) == doctest::Approx(-1 / 0.25));  // pulled towards -x, i.e. across the wall
  CHECK(F(1, 0) == doctest::Approx(1 / 0.25));
  CHECK(g.potential_energy(q) == doctest::Approx(-2.0));
  // Energy gradient through the minimum image, many particles.
  const Tensor<double> many = dg::test::random_points(40, 3, 0, 6, 12);
  CHECK(gradient_error(Coulomb(dg::test::random_signs(40, 2), {.softening = 0.5, .boundary = Boundary::periodic(3, 6.0)}),
                       many) < 1e-6);
}

TEST_CASE("coincident particles without softening are refused, naming them") {
  Tensor<double> q(Shape{4, 2}, {0, 0, 1, 1, 2, 0, 1, 1});
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  Coulomb c(Tensor<double>(Shape{4}, {1, 1, -1, 1}));
  CHECK_THROWS_WITH_AS(c.add_forces(q, {}, 0, F), doctest::Contains("particles 1 and 3 coincide"), PhysicsError);
  CHECK_THROWS_WITH_AS(c.potential_energy(q), doctest::Contains("particles 1 and 3 coincide"), PhysicsError);
  CHECK_THROWS_WITH_AS(LennardJones().add_forces(q, {}, 0, F), doctest::Contains("particles 1 and 3"), PhysicsError);
  // The parallel path reports the same pair.
  Tensor<double> big = dg::test::random_points(100, 3, -5, 5, 1);
  for (int k = 0; k < 3; ++k) big(77, k) = big(12, k);
  Tensor<double> Fbig = Tensor<double>::zeros(big.shape());
  CHECK_THROWS_WITH_AS(Coulomb(dg::test::random_signs(100, 1)).add_forces(big, {}, 0, Fbig),
                       doctest::Contains("particles 12 and 77 coincide"), PhysicsError);
  // With softening the same configuration is fine.
  F.fill(0);
  Gravity(Tensor<double>(Shape{4}, {1, 1, 1, 1}), {.softening = 0.1}).add_forces(q, {}, 0, F);
  CHECK(std::isfinite(max_abs(F)));
}

TEST_CASE("bad parameters and shapes are refused with clear messages") {
  Tensor<double> q(Shape{3, 2}, {0, 0, 1, 0, 0, 1});
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  CHECK_THROWS_WITH_AS(Coulomb(Tensor<double>(Shape{3}, {1, NAN, 1})), doctest::Contains("charge of particle 1"), PhysicsError);
  CHECK_THROWS_WITH_AS(Gravity(Tensor<double>(Shape{3}, {1, 0, 1})), doctest::Contains("mass of particle 1 must be > 0"),
                       PhysicsError);
  CHECK_THROWS_WITH_AS(Gravity(Tensor<double>(Shape{3}, {1, 1, 1}), {.softening = -1}), doctest::Contains("softening"),
                       PhysicsError);
  CHECK_THROWS_WITH_AS(Springs(Tensor<double>(Shape{2, 2}, {0, 1, 2, 0})), doctest::Contains("symmetric"), PhysicsError);
  CHECK_THROWS_WITH_AS(LennardJones({.cutoff = 3, .boundary = Boundary::periodic(3, 5.0)}),
                       doctest::Contains("exceeds half the periodic box"), PhysicsError);
  CHECK_THROWS_WITH_AS(LennardJones({.sigma = 0}), doctest::Contains("sigma must be > 0"), PhysicsError);

  Coulomb c(Tensor<double>(Shape{4}, {1, 1, 1, 1}));
  CHECK_THROWS_WITH_AS(c.add_forces(q, {}, 0, F), doctest::Contains("built for 4"), PhysicsError);
  Tensor<double> q4(Shape{4, 4});
  Tensor<double> F4 = Tensor<double>::zeros(q4.shape());
  CHECK_THROWS_WITH_AS(c.add_forces(q4, {}, 0, F4), doctest::Contains("(N, 2) or (N, 3)"), PhysicsError);
  Gravity g(Tensor<double>(Shape{3}, {1, 1, 1}), {.boundary = Boundary::periodic(3, 5.0)});
  CHECK_THROWS_WITH_AS(g.add_forces(q, {}, 0, F), doctest::Contains("boundary box is 3D"), PhysicsError);
  Tensor<double> wrong = Tensor<double>::zeros(Shape{3, 3});
  CHECK_THROWS_WITH_AS(Gravity(Tensor<double>(Shape{3}, {1, 1, 1})).add_forces(q, {}, 0, wrong),
                       doctest::Contains("does not match"), PhysicsError);
}
