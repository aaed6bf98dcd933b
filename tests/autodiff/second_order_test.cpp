// Gradients of gradients: closed-form second derivatives, and a learned-energy style loss
// (forces = -dU/dx enter the loss) against finite differences of first derivatives.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "autodiff/ops.hpp"

using namespace dg;

TEST_CASE("second derivatives of closed-form functions") {
  const std::vector<double> xs{-1.3, -0.4, 0.2, 0.9, 1.7};
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(Shape{5}, xs));
  // f = sum(x^3 + sin(x) exp(x) + tanh(x))
  Var<double> f = sum(pow(x, 3.0) + sin(x) * exp(x) + tanh(x));
  Var<double> g = tape.grad(f, x);         // f'
  Var<double> h = tape.grad(sum(g), x);    // f'' (elementwise: the Hessian is diagonal)
  Var<double> h3 = tape.grad(sum(h), x);   // f'''
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double v = xs[i], th = std::tanh(v), sech2 = 1 - th * th;
    CHECK(g[i] == doctest::Approx(3 * v * v + std::exp(v) * (std::sin(v) + std::cos(v)) + sech2));
    CHECK(h[i] == doctest::Approx(6 * v + 2 * std::exp(v) * std::cos(v) - 2 * th * sech2));
    CHECK(h3[i] == doctest::Approx(6 + 2 * std::exp(v) * (std::cos(v) - std::sin(v)) - 2 * sech2 * (sech2 - 2 * th * th)));
  }
}

TEST_CASE("mixed partials of a two-variable function") {
  // f(a, b) = a^2 b^3 + a / b: d2f/da db = 6 a b^2 - 1 / b^2.
  Tape<double> tape;
  Var<double> a = tape.variable(Tensor<double>(Shape{}, {0.7}));
  Var<double> b = tape.variable(Tensor<double>(Shape{}, {1.3}));
  Var<double> f = square(a) * pow(b, 3.0) + a / b;
  Var<double> dfda = tape.grad(f, a);
  Var<double> d2 = tape.grad(dfda, b);
  CHECK(d2.item() == doctest::Approx(6 * 0.7 * 1.3 * 1.3 - 1 / (1.3 * 1.3)));
}

TEST_CASE_TEMPLATE("a loss on forces = -dU/dx trains the energy's weights", T, float, double) {
  // U(x) = sum(softplus(x W1) W2) over a batch of positions; F = -dU/dx; loss = mean((F - F*)^2).
  // d loss / d W1 from backward through the recorded gradient vs central differences.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n01;
  auto randn = [&](Shape s) {
    Tensor<double> t(s);
    for (index_t i = 0; i < t.numel(); ++i) t[i] = n01(rng);
    return t;
  };
  const Tensor<double> x0 = randn(Shape{6, 2}), w1 = randn(Shape{2, 8}), w2 = randn(Shape{8, 1}), target = randn(Shape{6, 2});
  auto cast = [](const Tensor<double>& t) {
    Tensor<T> r(t.shape());
    for (index_t i = 0; i < t.numel(); ++i) r[i] = static_cast<T>(t[i]);
    return r;
  };
  auto forward = [&](auto& tape, auto& W1, auto& W2, const auto& xt, const auto& ft) {
    auto x = tape.variable(xt);
    auto U = sum(matmul(softplus(matmul(x, tape.param(W1))), tape.param(W2)));
    auto F = neg(tape.grad(U, x));
    return mean(square(F - tape.constant(ft)));
  };
  Tape<T> tape;
  Parameter<T> W1(cast(w1)), W2(cast(w2));
  tape.backward(forward(tape, W1, W2, cast(x0), cast(target)));

  const double h = 1e-6;
  for (index_t i = 0; i < w1.numel(); ++i) {
    auto eval = [&](double delta) {
      Tape<double> t;
      Parameter<double> P1(w1), P2(w2);
      P1.value[i] += delta;
      return forward(t, P1, P2, x0, target).item();
    };
    const double fd = (eval(h) - eval(-h)) / (2 * h);
    CAPTURE(i);
    if constexpr (std::is_same_v<T, double>) CHECK(W1.grad[i] == doctest::Approx(fd).epsilon(1e-6));
    else CHECK(W1.grad[i] == doctest::Approx(fd).epsilon(3e-3).scale(1.0));
  }
}
