// Exact derivatives of a field on the tape (nn/field/field_derivatives.hpp) against independent
// answers: a field written with tape ops whose divergence and curl are known in closed form (2D
// and 3D); a neural field against central finite differences in double precision; and a neural
// field fitted to a known smooth field, whose derivatives must come out near the analytic ones.
// Plus the curl measure and bad input.
#include <doctest/doctest.h>

#include <cmath>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "nn/adam.hpp"
#include "nn/field/field_derivatives.hpp"
#include "nn/field/neural_field.hpp"
#include "tests/nn/square_grid.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

// E = (x^2 y, sin x + y^3): div = 2 x y + 3 y^2, curl = cos x - x^2.
Var<double> known2(Tape<double>&, Var<double> p) {
  Var<double> x = slice(p, 1, 0, 1), y = slice(p, 1, 1, 1);
  return concat({mul(square(x), y), add(sin(x), pow(y, 3.0))}, 1);
}

// The smooth field the network is fitted to: E = (cos x cos y - y/2, -sin x sin y + x/2),
// div = -2 sin x cos y, curl = 1.
void smooth_field(double x, double y, double* E) {
  E[0] = std::cos(x) * std::cos(y) - 0.5 * y;
  E[1] = -std::sin(x) * std::sin(y) + 0.5 * x;
}

}  // namespace

TEST_CASE("2D: a field written with tape ops has its analytic Jacobian, divergence and curl") {
  const Tensor<double> pts = test::square_grid(7, -1.5, 1.5);
  const FieldDerivatives D = field_derivatives<double>(known2, pts, 10);  // several batches, one partial
  REQUIRE(D.curl.shape() == Shape{49, 1});
  for (index_t p = 0; p < 49; ++p) {
    const double x = pts(p, 0), y = pts(p, 1);
    CHECK(D.values(p, 0) == doctest::Approx(x * x * y));
    CHECK(D.jacobian[p * 4 + 0] == doctest::Approx(2 * x * y));     // dEx/dx
    CHECK(D.jacobian[p * 4 + 1] == doctest::Approx(x * x));         // dEx/dy
    CHECK(D.jacobian[p * 4 + 2] == doctest::Approx(std::cos(x)));   // dEy/dx
    CHECK(D.jacobian[p * 4 + 3] == doctest::Approx(3 * y * y));     // dEy/dy
    CHECK(D.divergence[p] == doctest::Approx(2 * x * y + 3 * y * y));
    CHECK(D.curl(p, 0) == doctest::Approx(std::cos(x) - x * x));
  }
}

TEST_CASE("3D: a rotation plus a gradient field has the analytic divergence and curl vector") {
  // E = w x r + grad(x y z) = (-wz y + wy z + y z, wz x - wx z + x z, -wy x + wx y + x y)
  // div = 0, curl = 2 w (the gradient part has none).
  const double w[3] = {0.3, -0.7, 1.1};
  auto f = [&](Tape<double>&, Var<double> p) {
    Var<double> x = slice(p, 1, 0, 1), y = slice(p, 1, 1, 1), z = slice(p, 1, 2, 1);
    return concat({add(sub(scale(z, w[1]), scale(y, w[2])), mul(y, z)),
                   add(sub(scale(x, w[2]), scale(z, w[0])), mul(x, z)),
                   add(sub(scale(y, w[0]), scale(x, w[1])), mul(x, y))},
                  1);
  };
  Tensor<double> pts(Shape{5, 3});
  for (index_t k = 0; k < 15; ++k) pts[k] = std::sin(1.7 * double(k));
  const FieldDerivatives D = field_derivatives<double>(f, pts);
  REQUIRE(D.curl.shape() == Shape{5, 3});
  for (index_t p = 0; p < 5; ++p) {
    CHECK(D.divergence[p] == doctest::Approx(0.0));
    for (int c = 0; c < 3; ++c) CHECK(D.curl(p, c) == doctest::Approx(2 * w[c]));
  }
}

TEST_CASE("a neural field's Jacobian matches central finite differences (double)") {
  Philox rng(7, 1);
  NeuralField<double> field({.in_dim = 2, .out_dim = 2, .fourier_features = 16, .sigma = 0.5, .hidden = {24, 24}}, rng);
  for (auto& [name, p] : field.parameters())  // the output layer starts at zero: give it values
    if (name.rfind("output", 0) == 0)
      for (index_t k = 0; k < p->value.numel(); ++k) p->value[k] = 0.3 * std::sin(3.1 * double(k) + 0.5);
  auto f = [&](Tape<double>& t, Var<double> x) { return field.forward(t, x); };
  const Tensor<double> pts = test::square_grid(5, -2, 2);
  const FieldDerivatives D = field_derivatives<double>(f, pts);
  const double h = 1e-5;
  double worst = 0, size = 0;
  for (index_t p = 0; p < 25; ++p)
    for (index_t k = 0; k < 2; ++k) {
      Tensor<double> plus(Shape{1, 2}), minus(Shape{1, 2});
      for (index_t c = 0; c < 2; ++c) plus[c] = minus[c] = pts(p, c);
      plus[k] += h, minus[k] -= h;
      Tape<double> tape;
      const Var<double> Ep = field.forward(tape, tape.constant(plus)), Em = field.forward(tape, tape.constant(minus));
      for (index_t c = 0; c < 2; ++c) {
        const double fd = (Ep.data()[c] - Em.data()[c]) / (2 * h);
        worst = std::max(worst, std::abs(fd - D.jacobian[(p * 2 + c) * 2 + k]));
        size = std::max(size, std::abs(fd));
      }
    }
  CHECK(size > 0.01);  // the check is not of a zero field
  CHECK(worst < 1e-7 * std::max(1.0, size));
}

TEST_CASE("a neural field fitted to a known field has about its analytic divergence and curl") {
  const int before = num_threads();
  set_num_threads(1);
  Philox rng(3, 1);
  NeuralField<double> field(
      {.in_dim = 2, .out_dim = 2, .encoding = FieldEncoding::None, .hidden = {32, 32}, .activation = Activation::Tanh},
      rng);
  const Tensor<double> train = test::square_grid(24, -1.2, 1.2);
  Tensor<double> target(train.shape());
  for (index_t p = 0; p < train.shape()[0]; ++p) smooth_field(train(p, 0), train(p, 1), &target(p, 0));
  Adam<double> adam(field.parameters(), {.lr = 3e-3});
  Tape<double> tape;
  for (int step = 0; step < 1500; ++step) {
    tape.reset();
    tape.backward(mean(square(sub(field.forward(tape, tape.constant(train)), tape.constant(target)))));
    adam.step();
    adam.zero_grad();
  }
  set_num_threads(before);
  auto f = [&](Tape<double>& t, Var<double> x) { return field.forward(t, x); };
  const Tensor<double> pts = test::square_grid(9, -1, 1);
  const FieldDerivatives D = field_derivatives<double>(f, pts);
  double div_err = 0, curl_err = 0;
  for (index_t p = 0; p < 81; ++p) {
    const double x = pts(p, 0), y = pts(p, 1);
    div_err += std::pow(D.divergence[p] + 2 * std::sin(x) * std::cos(y), 2);
    curl_err += std::pow(D.curl(p, 0) - 1.0, 2);
  }
  MESSAGE("rms divergence error " << std::sqrt(div_err / 81) << ", rms curl error " << std::sqrt(curl_err / 81));
  CHECK(std::sqrt(div_err / 81) < 0.1);   // the analytic divergence ranges over [-1.7, 1.7]
  CHECK(std::sqrt(curl_err / 81) < 0.1);  // and the curl is 1
}

TEST_CASE("curl measure: 0 for a gradient field, the known ratio for a rotation") {
  auto gradient = [](Tape<double>&, Var<double> p) {  // grad of (x^2 + 3 y^2) / 2
    return concat({slice(p, 1, 0, 1), scale(slice(p, 1, 1, 1), 3.0)}, 1);
  };
  auto rotation = [](Tape<double>&, Var<double> p) {  // (-y, x): curl 2, |J|_F = sqrt(2)
    return concat({neg(slice(p, 1, 1, 1)), slice(p, 1, 0, 1)}, 1);
  };
  const Tensor<double> pts = test::square_grid(6, -1, 1);
  CHECK(curl_measure(field_derivatives<double>(gradient, pts), 0.1).relative == doctest::Approx(0.0));
  const CurlMeasure r = curl_measure(field_derivatives<double>(rotation, pts), 0.1);
  CHECK(r.relative == doctest::Approx(std::sqrt(2.0)));
  CHECK(r.points == 36);
  std::vector<double> keep(36, 0.0);
  keep[7] = 1;
  CHECK(curl_measure(field_derivatives<double>(rotation, pts), 0.1, keep).points == 1);
}

TEST_CASE("bad input is refused with a message") {
  CHECK_THROWS_AS(field_derivatives<double>(known2, Tensor<double>(Shape{4, 4})), std::invalid_argument);
  CHECK_THROWS_AS(field_derivatives<double>(known2, test::square_grid(3, 0, 1), 0), std::invalid_argument);
  Tensor<double> nan = test::square_grid(3, 0, 1);
  nan[5] = std::nan("");
  CHECK_THROWS_AS(field_derivatives<double>(known2, nan), std::invalid_argument);
  auto wrong = [](Tape<double>&, Var<double> p) { return slice(p, 1, 0, 1); };  // (N, 1)
  CHECK_THROWS_AS(field_derivatives<double>(wrong, test::square_grid(3, 0, 1)), std::invalid_argument);
  CHECK_THROWS_AS(divergence_of(Tensor<double>(Shape{3, 2, 3})), std::invalid_argument);
  CHECK_THROWS_AS(curl_measure(field_derivatives<double>(known2, test::square_grid(3, 0, 1)), 0.1, std::vector<double>(2, 1.0)),
                  std::invalid_argument);
}
