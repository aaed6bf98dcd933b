// Boundaries: NRI's reflecting walls rule by rule, particles kept inside over a long random
// flight, periodic wrapping and the minimum image, and the errors.
#include <doctest/doctest.h>

#include <cmath>

#include "physics/boundary.hpp"
#include "physics/validate.hpp"
#include "tests/physics/helpers.hpp"

using namespace dg;
using namespace dg::physics;

TEST_CASE("reflecting walls follow NRI: x > L: x = 2L - x, v = -|v|; x < -L: x = -2L - x, v = |v|") {
  const Boundary box = Boundary::reflecting(2, 5.0);
  Tensor<double> q(Shape{3, 2}, {5.3, 0.0, -5.1, 4.0, -5.1, 1.0});
  Tensor<double> v(Shape{3, 2}, {0.2, 0.7, -0.3, -0.1, 0.3, 0.4});
  box(q, v);
  CHECK(q(0, 0) == doctest::Approx(4.7));
  CHECK(v(0, 0) == -0.2);
  CHECK(q(1, 0) == doctest::Approx(-4.9));
  CHECK(v(1, 0) == 0.3);
  CHECK(v(2, 0) == 0.3);  // already moving inwards: |v| keeps it so
  // Components inside the box are untouched.
  CHECK(q(0, 1) == 0.0);
  CHECK(v(0, 1) == 0.7);
  CHECK(q(1, 1) == 4.0);
  CHECK(v(1, 1) == -0.1);
}

TEST_CASE("reflecting walls keep a long random flight inside and point velocities inwards") {
  const Boundary box = Boundary::reflecting(3, {-1, -2, 0}, {1, 2, 0.5});
  Tensor<double> q = Tensor<double>::zeros(Shape{50, 3});
  for (index_t i = 0; i < 50; ++i) q(i, 2) = 0.25;
  Tensor<double> v = dg::test::random_points(50, 3, -3, 3, 4);
  const double dt = 0.05;  // at most 0.15 per step: never more than a box width
  int flips = 0, outside = 0, bad_flips = 0;
  for (int step = 0; step < 2000; ++step) {
    Tensor<double> before = v;
    for (index_t i = 0; i < q.numel(); ++i) q[i] += dt * v[i];
    box(q, v);
    for (index_t i = 0; i < 50; ++i)
      for (int k = 0; k < 3; ++k) {
        outside += q(i, k) < box.lo(k) || q(i, k) > box.hi(k);
        if (v(i, k) != before(i, k)) {
          ++flips;
          bad_flips += v(i, k) != -before(i, k);  // only the sign may change
        }
      }
  }
  CHECK(outside == 0);
  CHECK(bad_flips == 0);
  CHECK(flips > 100);
}

TEST_CASE("a particle beyond one box width is an error naming it") {
  const Boundary box = Boundary::reflecting(2, 1.0);
  Tensor<double> q(Shape{2, 2}, {0, 0, 3.5, 0});
  Tensor<double> v = Tensor<double>::zeros(Shape{2, 2});
  CHECK_THROWS_WITH_AS(box.apply(q, v), doctest::Contains("particle 1 is at"), PhysicsError);
  Tensor<double> nan_q(Shape{2, 2}, {0, NAN, 0, 0});
  CHECK_THROWS_WITH_AS(box.apply(nan_q, v), doctest::Contains("position of particle 0"), PhysicsError);
  Tensor<double> q3 = Tensor<double>::zeros(Shape{2, 3});
  CHECK_THROWS_WITH_AS(box.apply(q3, v), doctest::Contains("(N, 2)"), PhysicsError);
  CHECK_THROWS_WITH_AS(Boundary::periodic(2, {0, 0, 0}, {1, 0, 0}), doctest::Contains("empty"), PhysicsError);
  CHECK_THROWS_WITH_AS(Boundary::periodic(4, 1.0), doctest::Contains("2 or 3"), PhysicsError);
}

TEST_CASE("periodic boxes wrap positions into [lo, hi) and leave velocities alone") {
  const Boundary box = Boundary::periodic(2, {0, -1, 0}, {10, 1, 0});
  Tensor<double> q(Shape{4, 2}, {10.3, 0.0, -0.2, 1.5, -25.5, -3.0, 9.999, 0.999});
  Tensor<double> v(Shape{4, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  const Tensor<double> v0 = v;
  box(q, v);
  CHECK(q(0, 0) == doctest::Approx(0.3));
  CHECK(q(1, 0) == doctest::Approx(9.8));
  CHECK(q(1, 1) == doctest::Approx(-0.5));
  CHECK(q(2, 0) == doctest::Approx(4.5));
  CHECK(q(2, 1) == doctest::Approx(-1.0));
  CHECK(q(3, 0) == 9.999);
  CHECK(dg::test::bitwise_equal(v, v0));
  for (index_t i = 0; i < 4; ++i) {
    CHECK(q(i, 0) >= 0.0);
    CHECK(q(i, 0) < 10.0);
  }
  // Without velocities (an empty tensor) wrapping still works.
  Tensor<double> none;
  box.apply(q, none);
}

TEST_CASE("the minimum image picks the nearest copy") {
  const Boundary box = Boundary::periodic(3, 10.0);
  const double a[3] = {0.2, 5.0, 9.0}, b[3] = {9.7, 5.0, 1.0};
  double d[3];
  box.displacement(a, b, 3, d);
  CHECK(d[0] == doctest::Approx(0.5));
  CHECK(d[1] == 0.0);
  CHECK(d[2] == doctest::Approx(-2.0));
  // Far-apart copies (several box widths) fold back too.
  const double c[3] = {0.2 + 30, 5.0, 9.0 - 40};
  box.displacement(c, b, 3, d);
  CHECK(d[0] == doctest::Approx(0.5));
  CHECK(d[2] == doctest::Approx(-2.0));
  Boundary open;
  open.displacement(a, b, 3, d);
  CHECK(d[0] == doctest::Approx(-9.5));
}
