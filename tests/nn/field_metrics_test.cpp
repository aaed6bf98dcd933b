// Field-recovery measures against cases with known answers, in 3D (the 2D cases are in
// tests/examples/field_discovery_test.cpp): an exact field, a scaled one, one turned by 90
// degrees, weights that pick a point, a mask, and shape errors.
#include <doctest/doctest.h>

#include <cmath>

#include "nn/field/field_metrics.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

Tensor<double> field3(index_t P) {  // (P, 3), no zero vectors
  Tensor<double> E(Shape{P, 3});
  for (index_t p = 0; p < P; ++p)
    for (index_t c = 0; c < 3; ++c) E(p, c) = std::sin(1.3 * double(p) + 0.7 * double(c)) + (c == 0 ? 2.0 : 0.0);
  return E;
}

}  // namespace

TEST_CASE("3D: exact, scaled and turned fields give the known answers") {
  const Tensor<double> E = field3(7);
  const FieldMetrics same = field_metrics(E, E);
  CHECK(same.points == 7);
  CHECK(same.cosine == doctest::Approx(1.0));
  CHECK(same.weighted_cosine == doctest::Approx(1.0));
  CHECK(same.relative_l2 == doctest::Approx(0.0));
  CHECK(same.scale == doctest::Approx(1.0));
  Tensor<double> twice = E, turned = E;
  for (index_t p = 0; p < 7; ++p) {
    for (index_t c = 0; c < 3; ++c) twice(p, c) = 2 * E(p, c);
    turned(p, 0) = -E(p, 1), turned(p, 1) = E(p, 0), turned(p, 2) = 0;  // orthogonal to E only if E_z = 0
  }
  const FieldMetrics m2 = field_metrics(E, twice);
  CHECK(m2.relative_l2 == doctest::Approx(1.0));
  CHECK(m2.scale == doctest::Approx(2.0));
  CHECK(m2.cosine == doctest::Approx(1.0));
  Tensor<double> flat = E;  // E_z = 0: the turned field is orthogonal everywhere
  for (index_t p = 0; p < 7; ++p) flat(p, 2) = 0;
  const FieldMetrics m3 = field_metrics(flat, turned);
  CHECK(m3.cosine == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(m3.scale == doctest::Approx(0.0).epsilon(1e-12));
  CHECK(m3.relative_l2 == doctest::Approx(std::sqrt(2.0)));
}

TEST_CASE("weights and the mask choose the points; the median is the lower one for an even count") {
  const Tensor<double> E = field3(4);
  Tensor<double> L = E;
  for (index_t c = 0; c < 3; ++c) L(0, c) = -E(0, c);  // reversed at point 0
  const std::vector<double> only0 = {1, 0, 0, 0}, skip0 = {0, 1, 1, 1};
  const FieldMetrics w = field_metrics(E, L, only0);
  CHECK(w.weighted_cosine == doctest::Approx(-1.0));
  CHECK(w.weighted_scale == doctest::Approx(-1.0));
  CHECK(w.weighted_relative_l2 == doctest::Approx(2.0));
  CHECK(w.cosine == doctest::Approx(1.0));  // cosines -1, 1, 1, 1: the lower median is 1
  const FieldMetrics k = field_metrics(E, L, {}, skip0);
  CHECK(k.points == 3);
  CHECK(k.relative_l2 == doctest::Approx(0.0));
  CHECK(weighted_median({3, 1, 2, 4}, {1, 1, 1, 1}) == 2);
  CHECK(weighted_median({3, 1, 2, 4}, {0, 0, 0, 1}) == 4);
}

TEST_CASE("mismatched shapes and weights are errors") {
  const Tensor<double> E = field3(4);
  CHECK_THROWS_AS(field_metrics(E, field3(5)), std::invalid_argument);
  const std::vector<double> three = {1, 1, 1};
  CHECK_THROWS_WITH_AS(field_metrics(E, E, three), "field_metrics: weights has 3 entries for 4 points",
                       std::invalid_argument);
}
