// The cell list against all pairs (forces, energies, virials to round-off) in periodic and open
// boxes, its fallback for small boxes, and bitwise determinism with 1 and 2 threads for every
// parallel path (all pairs, cell list, pair sums, source fields).
#include <doctest/doctest.h>

#include <cmath>

#include "autodiff/parallel.hpp"
#include "physics/cell_list.hpp"
#include "physics/pair_forces.hpp"
#include "physics/point_sources.hpp"
#include "physics/validate.hpp"
#include "tests/physics/helpers.hpp"

using namespace dg;
using namespace dg::physics;
using dg::test::max_abs;
using dg::test::max_abs_diff;

namespace {

// n particles on a jittered lattice filling [0, side)^d (no two closer than ~0.7 spacing).
Tensor<double> lattice(index_t n, int d, double side, std::uint64_t seed) {
  const index_t per = static_cast<index_t>(std::ceil(std::pow(double(n), 1.0 / d)));
  const double h = side / double(per);
  const Tensor<double> jitter = dg::test::random_points(n, d, -0.15 * h, 0.15 * h, seed);
  Tensor<double> q(Shape{n, d});
  for (index_t i = 0; i < n; ++i) {
    index_t rest = i;
    for (int k = 0; k < d; ++k) {
      q(i, k) = (double(rest % per) + 0.5) * h + jitter(i, k);
      rest /= per;
    }
  }
  return q;
}

Tensor<double> forces_of(const Force& f, const Tensor<double>& q) {
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  f.add_forces(q, Tensor<double>(), 0.0, F);
  return F;
}

// Cell list and all pairs of the same Lennard-Jones system agree to round-off.
void check_cells_match(const Tensor<double>& q, const Boundary& box, double cutoff) {
  LennardJones cells({.cutoff = cutoff, .boundary = box, .method = PairMethod::CellList});
  LennardJones all({.cutoff = cutoff, .boundary = box, .method = PairMethod::AllPairs});
  const Tensor<double> Fc = forces_of(cells, q), Fa = forces_of(all, q);
  CHECK(cells.used_cell_list());
  CHECK_FALSE(all.used_cell_list());
  CHECK(max_abs_diff(Fc, Fa) <= 1e-12 * max_abs(Fa));
  CHECK(cells.potential_energy(q) == doctest::Approx(all.potential_energy(q)).epsilon(1e-12));
  CHECK(cells.virial(q) == doctest::Approx(all.virial(q)).epsilon(1e-12));
}

}  // namespace

TEST_CASE("cell list == all pairs: periodic 3D and 2D, open 3D") {
  // Density 0.8 as the benchmark fluid; positions outside the box (unwrapped) too.
  const index_t n = 1000;
  const double side3 = std::cbrt(n / 0.8);
  Tensor<double> q3 = lattice(n, 3, side3, 1);
  q3(0, 0) += side3;   // a particle one box width away: the same physics
  q3(1, 2) -= 2 * side3;
  check_cells_match(q3, Boundary::periodic(3, side3), 2.5);
  const double side2 = std::sqrt(n / 0.8);
  check_cells_match(lattice(n, 2, side2, 2), Boundary::periodic(2, side2), 2.5);
  check_cells_match(lattice(n, 3, side3, 3), Boundary(), 2.5);
  // A sparse open cloud with far outliers (the grid is capped, results still match).
  Tensor<double> cloud = dg::test::random_points(400, 3, -4, 4, 5);
  cloud(7, 0) = 1e4;
  cloud(8, 1) = -3e3;
  check_cells_match(cloud, Boundary(), 1.5);
}

TEST_CASE("Auto picks the cell list for large N and falls back to all pairs in small boxes") {
  const double side = std::cbrt(500 / 0.8);
  const Tensor<double> q = lattice(500, 3, side, 4);
  LennardJones fine({.cutoff = 2.5, .boundary = Boundary::periodic(3, side)});
  forces_of(fine, q);
  CHECK(fine.used_cell_list());  // 8.5 / 2.5 = 3 cells per side
  LennardJones coarse({.cutoff = 3.5, .boundary = Boundary::periodic(3, side)});
  const Tensor<double> F = forces_of(coarse, q);
  CHECK_FALSE(coarse.used_cell_list());  // only 2 cells of side 3.5: all pairs
  LennardJones all({.cutoff = 3.5, .boundary = Boundary::periodic(3, side), .method = PairMethod::AllPairs});
  CHECK(dg::test::bitwise_equal(F, forces_of(all, q)));
  LennardJones small({.cutoff = 2.5});
  forces_of(small, lattice(50, 3, 4.0, 6));
  CHECK_FALSE(small.used_cell_list());
}

TEST_CASE("the cell list reports coincident particles by their original numbers") {
  const double side = std::cbrt(600 / 0.8);
  Tensor<double> q = lattice(600, 3, side, 7);
  for (int k = 0; k < 3; ++k) q(432, k) = q(17, k);
  LennardJones lj({.cutoff = 2.5, .boundary = Boundary::periodic(3, side)});
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  CHECK_THROWS_WITH_AS(lj.add_forces(q, {}, 0, F), doctest::Contains("particles 17 and 432 coincide"), PhysicsError);
  Tensor<double> bad = q;
  bad(5, 1) = NAN;
  CHECK_THROWS_WITH_AS(lj.add_forces(bad, {}, 0, F), doctest::Contains("particle 5"), PhysicsError);
}

TEST_CASE("every parallel path gives the same bits with 1 and 2 threads") {
  const int saved = num_threads();
  const index_t n = 700;
  const Tensor<double> q = dg::test::random_points(n, 3, -5, 5, 11);
  const Tensor<double> charge = dg::test::random_signs(n, 12);
  const double side = std::cbrt(3000 / 0.8);
  const Tensor<double> fluid = lattice(3000, 3, side, 13);
  const Tensor<double> points = dg::test::random_points(5000, 3, -6, 6, 14);
  const PointSources sources = PointSources::charges(dg::test::random_points(20, 3, -5, 5, 15),
                                                     dg::test::random_signs(20, 16), charge);
  Coulomb coulomb(charge, {.softening = 0.01});
  LennardJones lj({.cutoff = 2.5, .boundary = Boundary::periodic(3, side)});

  auto run = [&](int threads, Tensor<double>& F1, Tensor<double>& F2, Tensor<double>& E, double (&sums)[4]) {
    set_num_threads(threads);
    F1 = forces_of(coulomb, q);
    F2 = forces_of(lj, fluid);
    sources.field_at(points, E);
    sums[0] = coulomb.potential_energy(q);
    sums[1] = coulomb.virial(q);
    sums[2] = lj.potential_energy(fluid);
    sums[3] = lj.virial(fluid);
  };
  Tensor<double> a1, a2, aE, b1, b2, bE;
  double sa[4], sb[4];
  run(1, a1, a2, aE, sa);
  run(2, b1, b2, bE, sb);
  set_num_threads(saved);
  CHECK(lj.used_cell_list());
  CHECK(dg::test::bitwise_equal(a1, b1));
  CHECK(dg::test::bitwise_equal(a2, b2));
  CHECK(dg::test::bitwise_equal(aE, bE));
  for (int k = 0; k < 4; ++k) CHECK(sa[k] == sb[k]);
}
