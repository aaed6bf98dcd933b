// Caps (per component as NRI/EGNN, on the norm as Aether) on constructed forces, applied to the
// TOTAL force of a ForceModel, and the model's accelerations and callback.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "physics/cap.hpp"
#include "physics/force_model.hpp"
#include "physics/pair_forces.hpp"
#include "physics/point_sources.hpp"
#include "physics/uniform_fields.hpp"
#include "physics/validate.hpp"
#include "tests/physics/helpers.hpp"

using namespace dg;
using namespace dg::physics;

TEST_CASE("per-component clip and norm cap differ as the published sets do") {
  Tensor<double> F(Shape{4, 2}, {150, -30, 60, 80, 90, 90, -250, 0});
  Tensor<double> clip = F, norm = F;
  apply_cap(ForceCap::per_component(100), clip);
  apply_cap(ForceCap::norm(100), norm);
  // Clip: each component into [-100, 100].
  const double clipped[8] = {100, -30, 60, 80, 90, 90, -100, 0};
  for (index_t i = 0; i < 8; ++i) CHECK(clip[i] == clipped[i]);
  // Norm: rows longer than 100 rescaled to 100, direction kept; (60, 80) has norm exactly 100.
  CHECK(norm(0, 0) == doctest::Approx(150 * 100 / std::hypot(150, 30)));
  CHECK(norm(0, 1) == doctest::Approx(-30 * 100 / std::hypot(150, 30)));
  CHECK(norm(1, 0) == 60);
  CHECK(norm(1, 1) == 80);
  CHECK(std::hypot(norm(2, 0), norm(2, 1)) == doctest::Approx(100));
  CHECK(norm(2, 0) == doctest::Approx(norm(2, 1)));
  CHECK(norm(3, 0) == doctest::Approx(-100));
  Tensor<double> untouched = F;
  apply_cap(ForceCap::none(), untouched);
  CHECK(dg::test::bitwise_equal(untouched, F));
  CHECK_THROWS_WITH_AS(ForceCap::norm(0), doctest::Contains("limit must be > 0"), PhysicsError);
  CHECK_THROWS_WITH_AS(ForceCap::per_component(NAN), doctest::Contains("limit"), PhysicsError);
}

TEST_CASE("the cap acts on the total force, not on each contribution") {
  // Particle 0 at the origin (charge 1), particle 1 at (-0.1, 0) with charge 0.6: Coulomb pushes
  // particle 0 by +60 in x. A uniform field adds +60 more: total 120, each part below 100.
  Tensor<double> q(Shape{2, 2}, {0, 0, -0.1, 0});
  Tensor<double> charge(Shape{2}, {1.0, 0.6});
  ForceModel model(Tensor<double>(Shape{2}, {1, 1}));
  model.add(Coulomb(charge)).add(UniformField::electric(Tensor<double>(Shape{2}, {60, 0}), charge));
  Tensor<double> F;
  model.forces(q, Tensor<double>(), 0, F);
  CHECK(F(0, 0) == doctest::Approx(120));
  model.set_cap(ForceCap::per_component(100));
  model.forces(q, Tensor<double>(), 0, F);
  CHECK(F(0, 0) == doctest::Approx(100));
  // Opposite case: a part above 100 inside a total below it is not touched.
  ForceModel big(Tensor<double>(Shape{2}, {1, 1}));
  Tensor<double> strong(Shape{2}, {1.0, 1.5});  // +150 from Coulomb
  big.add(Coulomb(strong)).add(UniformField::electric(Tensor<double>(Shape{2}, {-100, 0}), strong)).set_cap(ForceCap::norm(100));
  big.forces(q, Tensor<double>(), 0, F);
  CHECK(F(0, 0) == doctest::Approx(50));
}

TEST_CASE("accelerations are forces over masses; the callback is the same function") {
  const index_t n = 6;
  const Tensor<double> q = dg::test::random_points(n, 3, -1, 1, 3);
  const Tensor<double> m = dg::test::random_values(n, 0.5, 3, 4);
  ForceModel model(m);
  model.add(Gravity(m, {.softening = 0.05}));
  model.add(std::make_shared<PointSources>(PointSources::masses(Tensor<double>(Shape{1, 3}, {0, 0, 0}),
                                                                Tensor<double>(Shape{1}, {10}), m, 1.0, 0.1)));
  Tensor<double> F, a, a_cb;
  model.forces(q, {}, 0, F);
  model.accelerations(q, {}, 0, a);
  for (index_t i = 0; i < n; ++i)
    for (index_t k = 0; k < 3; ++k) CHECK(a(i, k) == F(i, k) / m[i]);
  const AccelFn accel = model.accel_fn();
  accel(q, {}, 0, a_cb);
  CHECK(dg::test::bitwise_equal(a, a_cb));
  // The model's energy is the sum of its terms'.
  CHECK(model.potential_energy(q) ==
        doctest::Approx(model.terms()[0]->potential_energy(q, 0) + model.terms()[1]->potential_energy(q, 0)));
  // An output of the wrong shape is resized, one of the right shape reused.
  Tensor<double> out = Tensor<double>::zeros(Shape{2, 2});
  model(q, {}, 0, out);
  CHECK(out.shape() == q.shape());
  const double* storage = out.data();
  model(q, {}, 0, out);
  CHECK(out.data() == storage);
}

TEST_CASE("a ForceModel refuses forces built for another N and bad masses") {
  ForceModel model(Tensor<double>(Shape{3}, {1, 1, 1}));
  CHECK_THROWS_WITH_AS(model.add(Coulomb(Tensor<double>(Shape{4}, {1, 1, 1, 1}))),
                       doctest::Contains("Coulomb was built for 4 particles but the model has 3"), PhysicsError);
  CHECK_THROWS_WITH_AS(ForceModel(Tensor<double>(Shape{2}, {1, -1})), doctest::Contains("mass of particle 1 must be > 0"),
                       PhysicsError);
  Tensor<double> a;
  CHECK_THROWS_WITH_AS(model.accelerations(Tensor<double>::zeros(Shape{2, 3}), {}, 0, a), doctest::Contains("(3, d)"),
                       PhysicsError);
}

TEST_CASE("a steady-state force loop allocates no tensor memory") {
  const index_t n = 5;
  const Tensor<double> m = Tensor<double>::full(Shape{n}, 1.0);
  ForceModel model(m);
  model.add(Gravity(m, {.softening = 0.01})).set_cap(ForceCap::norm(100));
  Tensor<double> q = dg::test::random_points(n, 3, -1, 1, 9), v = Tensor<double>::zeros(Shape{n, 3}), a;
  model(q, v, 0, a);  // the first call sizes `a`
  const std::size_t before = device_allocation_count();
  for (int step = 0; step < 100; ++step) {
    model(q, v, 0, a);
    for (index_t i = 0; i < q.numel(); ++i) q[i] += 1e-3 * a[i];
  }
  CHECK(device_allocation_count() == before);
}
