// The tape versions of the forces: values against the plain-array versions (float and double),
// gradients against finite differences, energy gradients against the forces, a differentiable
// rollout of Aether's setting, and their errors.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "physics/cap.hpp"
#include "physics/pair_forces.hpp"
#include "physics/point_sources.hpp"
#include "physics/tape_forces.hpp"
#include "physics/uniform_fields.hpp"
#include "physics/validate.hpp"
#include "tests/physics/helpers.hpp"

using namespace dg;
using namespace dg::physics;
using dg::test::max_abs;

namespace {

template <class T>
Tensor<T> cast(const Tensor<double>& x) {
  Tensor<T> y(x.shape());
  for (index_t i = 0; i < x.numel(); ++i) y[i] = static_cast<T>(x[i]);
  return y;
}

// (n, 1) column of a (n) vector.
Tensor<double> column(const Tensor<double>& x) {
  Tensor<double> c(Shape{x.numel(), 1});
  std::copy(x.data(), x.data() + x.numel(), c.data());
  return c;
}

// Rows [b n, (b + 1) n) of x (M, C), or entries of a vector x (M).
Tensor<double> rows_of(const Tensor<double>& x, index_t b, index_t n) {
  const index_t C = x.shape().rank == 1 ? 1 : x.cols();
  Tensor<double> r(x.shape().rank == 1 ? Shape{n} : Shape{n, C});
  std::copy(x.data() + b * n * C, x.data() + (b + 1) * n * C, r.data());
  return r;
}

template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 2e-4 : 1e-11;
}

// max |tape - plain| / max(1, max |plain|).
template <class T>
double rel_error(Var<T> y, const Tensor<double>& ref) {
  double e = 0;
  for (index_t i = 0; i < ref.numel(); ++i) e = std::max(e, std::abs(double(y[i]) - ref[i]));
  return e / std::max(1.0, max_abs(ref));
}

Tensor<double> plain_forces(const Force& f, const Tensor<double>& q, const Tensor<double>& v = Tensor<double>()) {
  Tensor<double> F = Tensor<double>::zeros(q.shape());
  f.add_forces(q, v, 0.0, F);
  return F;
}

// Central differences of a scalar function of x; compared with the tape gradient g.
double gradient_error(const std::function<double(const Tensor<double>&)>& f, const Tensor<double>& x, const double* g) {
  const Tensor<double> fd = dg::test::minus_gradient_fd(f, x, 1e-6);
  double e = 0, scale = 1;
  for (index_t i = 0; i < x.numel(); ++i) {
    e = std::max(e, std::abs(-fd[i] - g[i]));
    scale = std::max(scale, std::abs(g[i]));
  }
  return e / scale;
}

}  // namespace

TEST_CASE_TEMPLATE("tape pair forces equal the plain ones, batch by batch", T, float, double) {
  const index_t n = 5, B = 3;
  for (int d : {2, 3}) {
    CAPTURE(d);
    const Tensor<double> q = dg::test::random_points(n * B, d, -2, 2, 30 + d);
    const Tensor<double> charge = dg::test::random_signs(n * B, 31);
    const Tensor<double> mass = dg::test::random_values(n * B, 0.5, 2, 32);
    const PairList pairs = PairList::all_pairs(n, B);
    Tape<T> tape;
    Var<T> vq = tape.constant(cast<T>(q));
    Var<T> Fc = coulomb_forces(vq, tape.constant(cast<T>(column(charge))), pairs, 1.5);
    Var<T> Fg = gravity_forces(vq, tape.constant(cast<T>(column(mass))), pairs, 0.7, 0.1);
    Tensor<double> K(Shape{n, n}), L(Shape{n, n});
    for (index_t i = 0; i < n; ++i)
      for (index_t j = 0; j < n; ++j) {
        K(i, j) = (i + j) % 2 ? 0.1 : 0.3;
        L(i, j) = 0.5 + 0.1 * double(i + j);
      }
    Var<T> Fs = spring_forces(vq, tape.constant(pairs.pair_values<T>(K)), pairs);
    Var<T> Fr = spring_forces(vq, tape.constant(pairs.pair_values<T>(K)), pairs, tape.constant(pairs.pair_values<T>(L)));
    for (index_t b = 0; b < B; ++b) {
      const Tensor<double> qb = rows_of(q, b, n);
      const Tensor<double> ref_c = plain_forces(Coulomb(rows_of(charge, b, n), {.k = 1.5}), qb);
      const Tensor<double> ref_g = plain_forces(Gravity(rows_of(mass, b, n), {.G = 0.7, .softening = 0.1}), qb);
      const Tensor<double> ref_s = plain_forces(Springs(K), qb);
      const Tensor<double> ref_r = plain_forces(Springs(K, {.rest_length = L}), qb);
      Tensor<double> got(Shape{n, d});
      auto block = [&](Var<T> F) {
        for (index_t i = 0; i < n * d; ++i) got[i] = double(F[b * n * d + i]);
        return got;
      };
      CHECK(dg::test::max_abs_diff(block(Fc), ref_c) <= tolerance<T>() * std::max(1.0, max_abs(ref_c)));
      CHECK(dg::test::max_abs_diff(block(Fg), ref_g) <= tolerance<T>() * std::max(1.0, max_abs(ref_g)));
      CHECK(dg::test::max_abs_diff(block(Fs), ref_s) <= tolerance<T>() * std::max(1.0, max_abs(ref_s)));
      CHECK(dg::test::max_abs_diff(block(Fr), ref_r) <= tolerance<T>() * std::max(1.0, max_abs(ref_r)));
    }
  }
}

TEST_CASE_TEMPLATE("tape fields, Lennard-Jones and caps equal the plain ones", T, float, double) {
  const index_t n = 6;
  const Tensor<double> q = dg::test::random_points(n, 2, -2, 2, 40);
  const Tensor<double> v = dg::test::random_points(n, 2, -1, 1, 41);
  const Tensor<double> charge = dg::test::random_signs(n, 42);
  const Tensor<double> src = dg::test::random_points(20, 2, -5, 5, 43), src_q = dg::test::random_signs(20, 44);
  Tape<T> tape;
  Var<T> vq = tape.constant(cast<T>(q)), vv = tape.constant(cast<T>(v)), vc = tape.constant(cast<T>(column(charge)));

  const Tensor<double> ref_src = plain_forces(PointSources::charges(src, src_q, charge, 1.0), q);
  CHECK(rel_error(source_forces(vq, vc, src, src_q), ref_src) < tolerance<T>());
  const Tensor<double> E(Shape{2}, {0.3, -0.7});
  CHECK(rel_error(uniform_field_forces(vc, E), plain_forces(UniformField::electric(E, charge), q)) < tolerance<T>());
  const Tensor<double> Bz(Shape{1}, {1.3});
  CHECK(rel_error(magnetic_forces(vv, vc, Bz), plain_forces(MagneticField(Bz, charge), q, v)) < tolerance<T>());

  // Lennard-Jones in 3D on a jittered line, some pairs beyond the cutoff.
  Tensor<double> q3 = dg::test::random_points(n, 3, -0.1, 0.1, 45);
  for (index_t i = 0; i < n; ++i) q3(i, 0) += 1.1 * double(i);
  const Tensor<double> ref_lj = plain_forces(LennardJones({.epsilon = 1.2, .sigma = 1, .cutoff = 2.5}), q3);
  CHECK(rel_error(lennard_jones_forces(tape.constant(cast<T>(q3)), PairList::all_pairs(n), 1.2, 1.0, 2.5), ref_lj) <
        tolerance<T>());

  // Caps on a force with large and small rows.
  Tensor<double> F(Shape{3, 2}, {150, -30, 60, 80, 0, 0});
  for (const ForceCap& c : {ForceCap::per_component(100), ForceCap::norm(100), ForceCap::none()}) {
    Tensor<double> ref = F;
    apply_cap(c, ref);
    CHECK(rel_error(capped(tape.constant(cast<T>(F)), c), ref) < tolerance<T>());
  }
}

TEST_CASE("gradients of tape forces agree with finite differences") {
  const index_t n = 4;
  const Tensor<double> q0 = dg::test::random_points(n, 3, -1.5, 1.5, 50);
  const Tensor<double> c0 = column(dg::test::random_values(n, 0.5, 1.5, 51));
  const Tensor<double> w = dg::test::random_points(n, 3, -1, 1, 52);  // weights of the loss
  const Tensor<double> src = dg::test::random_points(3, 3, -3, 3, 53), src_c = dg::test::random_signs(3, 54);
  const PairList pairs = PairList::all_pairs(n);
  // loss = sum(w * capped(F)) with F = Coulomb + sources; the cap is active on some rows.
  auto loss = [&](Tape<double>& tape, Var<double> q, Var<double> c) {
    Var<double> F = coulomb_forces(q, c, pairs, 1.0, 0.05) + source_forces(q, c, src, src_c, 1.0, 0.1);
    return sum(capped(F, ForceCap::norm(2.0)) * tape.constant(w));
  };
  Tape<double> tape;
  Var<double> q = tape.variable(q0), c = tape.variable(c0);
  tape.backward(loss(tape, q, c));
  auto value_at = [&](const Tensor<double>& qx, const Tensor<double>& cx) {
    Tape<double> t;
    return loss(t, t.constant(qx), t.constant(cx)).item();
  };
  CHECK(gradient_error([&](const Tensor<double>& x) { return value_at(x, c0); }, q0, q.grad()) < 1e-6);
  CHECK(gradient_error([&](const Tensor<double>& x) { return value_at(q0, x); }, c0, c.grad()) < 1e-6);
}

TEST_CASE("the tape gradient of the energy is minus the tape force") {
  const index_t n = 5;
  const Tensor<double> q0 = dg::test::random_points(n * 2, 2, -2, 2, 60);
  const Tensor<double> m = column(dg::test::random_values(n * 2, 1, 2, 61));
  const PairList pairs = PairList::all_pairs(n, 2);
  Tape<double> tape;
  Var<double> q = tape.variable(q0), vm = tape.constant(m);
  Var<double> U = inverse_square_energy(q, vm, pairs, -1.0, 0.2);
  Var<double> dU = tape.grad(U, q);
  Var<double> F = gravity_forces(q, vm, pairs, 1.0, 0.2);
  for (index_t i = 0; i < q0.numel(); ++i) CHECK(dU[i] == doctest::Approx(-F[i]).epsilon(1e-12));
  // And the energy itself equals the plain one, system by system.
  double plain = 0;
  for (index_t b = 0; b < 2; ++b)
    plain += Gravity(Tensor<double>(Shape{n}, rows_of(m, b, n).to_vector()), {.softening = 0.2})
                 .potential_energy(rows_of(q0, b, n));
  CHECK(U.item() == doctest::Approx(plain).epsilon(1e-12));
}

TEST_CASE("a differentiable rollout of Aether's setting: gradient of the final positions") {
  // 5 charges + 20 fixed sources, norm cap 100, semi-implicit Euler as in the data set (dt 0.001,
  // here 50 steps); d loss / d v0 by the tape against finite differences.
  const index_t n = 5;
  const Tensor<double> x0 = dg::test::random_points(n, 2, -1.5, 1.5, 70);
  const Tensor<double> v0 = dg::test::random_points(n, 2, -0.5, 0.5, 71);
  const Tensor<double> charge = column(dg::test::random_signs(n, 72));
  const Tensor<double> src = dg::test::random_points(20, 2, -5, 5, 73), src_q = dg::test::random_signs(20, 74);
  const Tensor<double> target = dg::test::random_points(n, 2, -1, 1, 75);
  const PairList pairs = PairList::all_pairs(n);
  const double dt = 1e-3;
  auto rollout_loss = [&](Tape<double>& tape, Var<double> v) {
    Var<double> c = tape.constant(charge), x = tape.constant(x0);
    auto force = [&](Var<double> xx) {
      return capped(coulomb_forces(xx, c, pairs) + source_forces(xx, c, src, src_q), ForceCap::norm(100));
    };
    v = v + force(x) * dt;
    for (int step = 0; step < 50; ++step) {
      x = x + v * dt;
      v = v + force(x) * dt;
    }
    return sum(square(x - tape.constant(target)));
  };
  Tape<double> tape;
  Var<double> v = tape.variable(v0);
  tape.backward(rollout_loss(tape, v));
  auto value_at = [&](const Tensor<double>& vx) {
    Tape<double> t;
    return rollout_loss(t, t.constant(vx)).item();
  };
  CHECK(gradient_error(value_at, v0, v.grad()) < 1e-6);
}

TEST_CASE("tape forces refuse coincident particles and bad shapes") {
  Tensor<double> q(Shape{6, 2}, {0, 0, 1, 0, 2, 2, 5, 5, 1, 1, 5, 5});  // system 1: particles 0 and 2 coincide
  const PairList pairs = PairList::all_pairs(3, 2);
  Tape<double> tape;
  Var<double> vq = tape.constant(q), c = tape.constant(Tensor<double>::full(Shape{6, 1}, 1.0));
  CHECK_THROWS_WITH_AS(coulomb_forces(vq, c, pairs), doctest::Contains("particles 0 and 2 of system 1 coincide"), PhysicsError);
  coulomb_forces(vq, c, pairs, 1.0, 0.1);  // fine with softening
  CHECK_THROWS_WITH_AS(coulomb_forces(tape.constant(Tensor<double>::zeros(Shape{5, 2})), c, pairs),
                       doctest::Contains("(6, 2 or 3)"), PhysicsError);
  CHECK_THROWS_WITH_AS(coulomb_forces(vq, tape.constant(Tensor<double>::zeros(Shape{6, 2})), pairs),
                       doctest::Contains("must be (6, 1)"), PhysicsError);
  CHECK_THROWS_WITH_AS(PairList::all_pairs(0), doctest::Contains("n >= 1"), PhysicsError);
  CHECK_THROWS_WITH_AS(source_field(vq, Tensor<double>(Shape{1, 2}, {5, 5}), Tensor<double>(Shape{1}, {1}), 1.0, 0.0),
                       doctest::Contains("point 3 coincides with source 0"), PhysicsError);
  CHECK_THROWS_WITH_AS(accelerations(vq, tape.constant(Tensor<double>::zeros(Shape{6, 1}))),
                       doctest::Contains("mass of particle 0 must be > 0"), PhysicsError);
}
