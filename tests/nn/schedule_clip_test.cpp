// Learning-rate schedules against their closed forms, and global-norm gradient clipping.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "nn/clip.hpp"
#include "nn/optimizer.hpp"
#include "nn/schedule.hpp"

using namespace dg;
using namespace dg::nn;

TEST_CASE("step, exponential and cosine schedules follow their closed forms") {
  const Schedule step = step_schedule(0.1, 30, 0.5);
  CHECK(step(0) == 0.1);
  CHECK(step(29) == 0.1);
  CHECK(step(30) == doctest::Approx(0.05));
  CHECK(step(95) == doctest::Approx(0.1 * 0.125));
  const Schedule expo = exponential_schedule(0.2, 0.99);
  for (int s : {0, 1, 17, 400}) CHECK(expo(s) == doctest::Approx(0.2 * std::pow(0.99, s)));
  const Schedule cosine = cosine_schedule(1.0, 100, 0.1);
  CHECK(cosine(0) == doctest::Approx(1.0));
  CHECK(cosine(50) == doctest::Approx(0.55));  // halfway: the mean of lr0 and lr_min
  CHECK(cosine(25) == doctest::Approx(0.1 + 0.9 * (1 + std::cos(std::numbers::pi / 4)) / 2));
  CHECK(cosine(100) == doctest::Approx(0.1));
  CHECK(cosine(1000) == doctest::Approx(0.1));  // stays at the floor
  CHECK(constant_schedule(3e-4)(12345) == 3e-4);
}

TEST_CASE("warm-up ramps linearly and then hands over to the inner schedule") {
  const Schedule inner = cosine_schedule(1.0, 100);
  const Schedule s = warmup(inner, 10, 0.1);
  CHECK(s(0) == doctest::Approx(0.1));
  CHECK(s(5) == doctest::Approx(0.1 + 0.9 * 0.5));
  CHECK(s(9) == doctest::Approx(0.1 + 0.9 * 0.9));
  CHECK(s(10) == doctest::Approx(1.0));
  for (int k : {10, 35, 60, 110}) CHECK(s(k) == doctest::Approx(inner(k - 10)));
  // Monotone ramp from 0 by default.
  const Schedule from_zero = warmup(constant_schedule(2.0), 4);
  CHECK(from_zero(0) == 0.0);
  CHECK(from_zero(2) == doctest::Approx(1.0));
  CHECK_THROWS_AS(warmup(inner, 0), std::invalid_argument);
  CHECK_THROWS_AS(cosine_schedule(0.1, 10, 0.2), std::invalid_argument);
  CHECK_THROWS_AS(s(-1), std::invalid_argument);
}

TEST_CASE_TEMPLATE("clip_grad_norm scales the global norm down to max_norm and leaves small ones", T, float, double) {
  Parameter<T> a(Shape{2, 2}), b(Shape{3});
  const std::vector<NamedParameter<T>> params = {{"a", &a}, {"b", &b}};
  a.grad = Tensor<T>(Shape{2, 2}, {3, 0, 0, 4});
  b.grad = Tensor<T>(Shape{3}, {0, 12, 0});
  // Norm sqrt(9 + 16 + 144) = 13.
  CHECK(grad_norm(params) == doctest::Approx(13.0));
  CHECK(clip_grad_norm(params, 26.0) == doctest::Approx(13.0));
  CHECK(double(b.grad[1]) == 12.0);  // unchanged below the limit
  CHECK(clip_grad_norm(params, 1.3) == doctest::Approx(13.0));
  CHECK(grad_norm(params) == doctest::Approx(1.3).epsilon(1e-5));
  CHECK(double(a.grad[3]) == doctest::Approx(0.4).epsilon(1e-5));  // the direction is kept
  CHECK(double(b.grad[1]) == doctest::Approx(1.2).epsilon(1e-5));
  b.grad[2] = std::numeric_limits<T>::infinity();
  CHECK_THROWS_WITH_AS(clip_grad_norm(params, 1.0), "clip_grad_norm: gradient of 'b' has a non-finite value at element 2",
                       NonFiniteGradient);
  CHECK_THROWS_AS(clip_grad_norm(params, 0.0), std::invalid_argument);
}
