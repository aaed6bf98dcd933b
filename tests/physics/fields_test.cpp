// External fields: point sources against the pair law of the same charges, energies against
// finite differences, uniform and magnetic fields by hand, grids, and their errors.
#include <doctest/doctest.h>

#include <cmath>

#include "physics/grid.hpp"
#include "physics/pair_forces.hpp"
#include "physics/point_sources.hpp"
#include "physics/uniform_fields.hpp"
#include "physics/validate.hpp"
#include "tests/physics/helpers.hpp"

using namespace dg;
using namespace dg::physics;
using dg::test::max_abs;
using dg::test::max_abs_diff;

namespace {

Tensor<double> forces_of(const Force& f, const Tensor<double>& q, const Tensor<double>& v = Tensor<double>()) {
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  f.add_forces(q, v, 0.0, F);
  return F;
}

// The rows of `a` stacked over the rows of `b`.
Tensor<double> stack(const Tensor<double>& a, const Tensor<double>& b) {
  Tensor<double> out(Shape{a.rows() + b.rows(), a.cols()});
  std::copy(a.data(), a.data() + a.numel(), out.data());
  std::copy(b.data(), b.data() + b.numel(), out.data() + a.numel());
  return out;
}

}  // namespace

TEST_CASE("fixed charges act on particles as the Coulomb pair law with frozen partners") {
  // Aether's setting: 5 particles, 20 sources in [-5, 5]^2, charges +-1, k = 1.
  const index_t n = 5, S = 20;
  const Tensor<double> q = dg::test::random_points(n, 2, -2, 2, 1);
  const Tensor<double> src = dg::test::random_points(S, 2, -5, 5, 2);
  const Tensor<double> qc = dg::test::random_signs(n, 3), sc = dg::test::random_signs(S, 4);
  const PointSources field = PointSources::charges(src, sc, qc);

  // All 25 bodies under Coulomb: the first 5 rows minus the particle-particle part.
  Tensor<double> all_charges(Shape{n + S});
  std::copy(qc.data(), qc.data() + n, all_charges.data());
  std::copy(sc.data(), sc.data() + S, all_charges.data() + n);
  Coulomb all(all_charges);
  Tensor<double> F_all = forces_of(all, stack(q, src));
  const Tensor<double> F_pp = forces_of(Coulomb(qc), q);
  const Tensor<double> F_field = forces_of(field, q);
  for (index_t i = 0; i < n; ++i)
    for (index_t k = 0; k < 2; ++k) CHECK(F_field(i, k) == doctest::Approx(F_all(i, k) - F_pp(i, k)).epsilon(1e-12));

  // The field at the particles times their charges is the force.
  Tensor<double> E;
  field.field_at(q, E);
  for (index_t i = 0; i < n; ++i)
    for (index_t k = 0; k < 2; ++k) CHECK(F_field(i, k) == doctest::Approx(qc[i] * E(i, k)).epsilon(1e-14));
}

TEST_CASE("point-source forces are minus the gradient of their energy") {
  const Tensor<double> q = dg::test::random_points(6, 3, -1, 1, 7);
  const Tensor<double> src = dg::test::random_points(3, 3, -2, 2, 8);
  const PointSources charges = PointSources::charges(src, dg::test::random_values(3, -2, 2, 9), dg::test::random_signs(6, 1), 1.5);
  const PointSources masses =
      PointSources::masses(src, dg::test::random_values(3, 1, 10, 9), dg::test::random_values(6, 1, 2, 3), 1.0, 0.1);
  for (const PointSources* f : {&charges, &masses}) {
    const Tensor<double> G = dg::test::minus_gradient_fd([&](const Tensor<double>& x) { return f->potential_energy(x); }, q);
    CHECK(max_abs_diff(forces_of(*f, q), G) < 1e-6 * std::max(1.0, max_abs(G)));
  }
}

TEST_CASE("a point mass attracts with Plummer softening (Aether's gravity set)") {
  // Fixed mass 10 at the origin, particle of mass 2 at (1, 0, 0), eps = 0.1, G = 1:
  // a = -G M x / (x^2 + eps^2)^1.5, F = m a.
  Tensor<double> src(Shape{1, 3}, {0, 0, 0});
  const PointSources well = PointSources::masses(src, Tensor<double>(Shape{1}, {10}), Tensor<double>(Shape{1}, {2}), 1.0, 0.1);
  Tensor<double> q(Shape{1, 3}, {1, 0, 0});
  const double a = -10 / std::pow(1.01, 1.5);
  CHECK(forces_of(well, q)(0, 0) == doctest::Approx(2 * a));
  CHECK(well.potential_energy(q) == doctest::Approx(-20 / std::sqrt(1.01)));
  // The softened field is finite on the source itself.
  Tensor<double> E;
  well.field_at(src, E);
  CHECK(max_abs(E) == 0.0);
}

TEST_CASE("uniform fields by hand") {
  Tensor<double> q(Shape{2, 2}, {1, 2, -3, 0.5});
  const UniformField e = UniformField::electric(Tensor<double>(Shape{2}, {0.5, -1}), Tensor<double>(Shape{2}, {2, -1}));
  const Tensor<double> F = forces_of(e, q);
  CHECK(F(0, 0) == 1.0);
  CHECK(F(0, 1) == -2.0);
  CHECK(F(1, 0) == -0.5);
  CHECK(F(1, 1) == 1.0);
  // U = -sum q_i E . x_i
  CHECK(e.potential_energy(q) == doctest::Approx(-(2 * (0.5 - 2) + -1 * (-1.5 - 0.5))));
  const Tensor<double> G = dg::test::minus_gradient_fd([&](const Tensor<double>& x) { return e.potential_energy(x); }, q);
  CHECK(max_abs_diff(F, G) < 1e-8);
  CHECK_THROWS_WITH_AS(UniformField::gravity(Tensor<double>(Shape{2}, {0, -9.8}), Tensor<double>(Shape{2}, {1, -1})),
                       doctest::Contains("mass of particle 1 must be > 0"), PhysicsError);
}

TEST_CASE("the magnetic force is q v x B, perpendicular to v, and 2D matches 3D with B along z") {
  const Tensor<double> v3 = dg::test::random_points(4, 3, -1, 1, 3);
  const Tensor<double> q3 = Tensor<double>::zeros(Shape{4, 3});
  const Tensor<double> charge = dg::test::random_signs(4, 5);
  const MagneticField b3(Tensor<double>(Shape{3}, {0.3, -0.2, 1.5}), charge);
  const Tensor<double> F3 = forces_of(b3, q3, v3);
  for (index_t i = 0; i < 4; ++i) {
    double dot = 0;
    for (index_t k = 0; k < 3; ++k) dot += F3(i, k) * v3(i, k);
    CHECK(std::abs(dot) < 1e-14);
  }
  // e_x x e_y = e_z: v = e_x, B = e_y gives F = q e_z.
  Tensor<double> ex(Shape{1, 3}, {1, 0, 0});
  const Tensor<double> Fz =
      forces_of(MagneticField(Tensor<double>(Shape{3}, {0, 1, 0}), Tensor<double>(Shape{1}, {2})), Tensor<double>::zeros(Shape{1, 3}), ex);
  CHECK(Fz(0, 2) == 2.0);
  CHECK(Fz(0, 0) == 0.0);

  // 2D with B along z equals the x, y part of 3D with B = (0, 0, B) and v_z = 0.
  Tensor<double> v2(Shape{4, 2}), v3z = Tensor<double>::zeros(Shape{4, 3});
  for (index_t i = 0; i < 4; ++i)
    for (index_t k = 0; k < 2; ++k) v2(i, k) = v3z(i, k) = v3(i, k);
  const Tensor<double> F2 = forces_of(MagneticField(Tensor<double>(Shape{1}, {1.5}), charge), Tensor<double>::zeros(Shape{4, 2}), v2);
  const Tensor<double> F3z =
      forces_of(MagneticField(Tensor<double>(Shape{3}, {0, 0, 1.5}), charge), Tensor<double>::zeros(Shape{4, 3}), v3z);
  for (index_t i = 0; i < 4; ++i)
    for (index_t k = 0; k < 2; ++k) CHECK(F2(i, k) == F3z(i, k));
  CHECK(b3.potential_energy(q3) == 0.0);
  CHECK_THROWS_WITH_AS(MagneticField(Tensor<double>(Shape{2}, {1, 1}), charge), doctest::Contains("3 values (3D) or 1"),
                       PhysicsError);
  Tensor<double> F = Tensor<double>::zeros(Shape{4, 3});
  CHECK_THROWS_WITH_AS(b3.add_forces(q3, Tensor<double>::zeros(Shape{3, 3}), 0, F), doctest::Contains("velocities v"),
                       PhysicsError);
}

TEST_CASE("grid_points: linspace per axis, first axis fastest") {
  const Tensor<double> g = grid_points(2, {-5, 0, 0}, {5, 1, 0}, {3, 2, 1});
  CHECK(g.shape() == Shape{6, 2});
  const double expected[6][2] = {{-5, 0}, {0, 0}, {5, 0}, {-5, 1}, {0, 1}, {5, 1}};
  for (index_t p = 0; p < 6; ++p)
    for (index_t k = 0; k < 2; ++k) CHECK(g(p, k) == expected[p][k]);
  CHECK(grid_points(3, {0, 0, 0}, {1, 1, 1}, {2, 3, 4}).rows() == 24);
  CHECK_THROWS_WITH_AS(grid_points(2, {0, 0, 0}, {1, 1, 1}, {0, 3, 1}), doctest::Contains("count 0"), PhysicsError);
}

TEST_CASE("point sources refuse coincidences without softening, naming particle and source") {
  Tensor<double> src(Shape{2, 2}, {0, 0, 1, 1});
  const PointSources f = PointSources::charges(src, Tensor<double>(Shape{2}, {1, -1}), Tensor<double>(Shape{3}, {1, 1, 1}));
  Tensor<double> q(Shape{3, 2}, {3, 3, 1, 1, 2, 0});
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  CHECK_THROWS_WITH_AS(f.add_forces(q, {}, 0, F), doctest::Contains("particle 1 coincides with source 1"), PhysicsError);
  CHECK_THROWS_WITH_AS(f.potential_energy(q), doctest::Contains("particle 1 coincides with source 1"), PhysicsError);
  Tensor<double> E;
  CHECK_THROWS_WITH_AS(f.field_at(grid_points(2, {0, 0, 0}, {1, 1, 0}, {2, 2, 1}), E), doctest::Contains("point 0 coincides with source 0"),
                       PhysicsError);
  CHECK_THROWS_WITH_AS(PointSources::charges(src, Tensor<double>(Shape{3}, {1, 1, 1}), Tensor<double>(Shape{1}, {1})),
                       doctest::Contains("one value per particle (2)"), PhysicsError);
  Tensor<double> nan_q(Shape{3, 2}, {0.5, 0.5, NAN, 1, 2, 0});
  CHECK_THROWS_WITH_AS(f.add_forces(nan_q, {}, 0, F), doctest::Contains("positions q of particle 1"), PhysicsError);
}
