// The tape itself: deep graphs without recursion, memory reuse after reset, parameters and
// variables, no_grad, printing, the finite-value debug switch, and shape errors.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "autodiff/ops.hpp"

using namespace dg;

TEST_CASE("a chain of a million nodes runs backward without recursion") {
  // y = x * a^n with a = 1 - 1e-7 (n mul nodes): dy/dx = a^n, computed in closed form.
  Tape<double> tape;
  const int n = 1'000'000;
  const double a = 1.0 - 1e-7;
  Var<double> x = tape.variable(Tensor<double>(Shape{1}, {2.0}));
  Var<double> y = x;
  for (int i = 0; i < n; ++i) y = scale(y, a);
  CHECK(tape.node_count() == static_cast<std::size_t>(n + 1));
  tape.backward(sum(y));
  CHECK(y.item() == doctest::Approx(2.0 * std::pow(a, n)).epsilon(1e-9));
  CHECK(x.grad()[0] == doctest::Approx(std::pow(a, n)).epsilon(1e-9));
}

TEST_CASE("reset keeps the arena: the same step reuses the same memory") {
  Tape<float> tape;
  Parameter<float> w(Tensor<float>::full(Shape{8, 8}, 0.1f));
  auto step = [&] {
    Var<float> x = tape.constant(Tensor<float>::full(Shape{16, 8}, 1.0f));
    Var<float> loss = mean(square(tanh(matmul(x, tape.param(w)))));
    tape.backward(loss);
    const std::size_t used = tape.arena_bytes_used();
    tape.reset();
    return used;
  };
  const std::size_t first = step();
  const std::size_t reserved = tape.arena_bytes_reserved();
  for (int i = 0; i < 5; ++i) CHECK(step() == first);
  CHECK(tape.arena_bytes_reserved() == reserved);
  CHECK(tape.node_count() == 0);
}

TEST_CASE("backward reuses the gradient buffers of nodes already done") {
  // y = sum(tanh^n(x)) over 1,000 elements: n intermediates of the same size. Each gradient is
  // needed only until the node below has used it, so the sweep needs two buffers, not n.
  Tape<double> tape;
  const int n = 200;
  const index_t width = 1000;
  Tensor<double> x0(Shape{width});
  for (index_t i = 0; i < width; ++i) x0[i] = 0.5 * std::sin(0.01 * double(i));
  Var<double> x = tape.variable(x0);
  Var<double> h = x;
  for (int k = 0; k < n; ++k) h = tanh(h);
  Var<double> y = sum(h);
  const std::size_t forward_bytes = tape.arena_bytes_used();
  tape.backward(y);
  const std::size_t buffer_bytes = sizeof(double) * width;
  CHECK(tape.arena_bytes_used() - forward_bytes <= 4 * buffer_bytes);  // n buffers without reuse
  // The chain rule by hand: d tanh^n / dx = prod_k (1 - tanh^k(x)^2).
  for (index_t i = 0; i < width; i += 97) {
    double v = x0[i], d = 1;
    for (int k = 0; k < n; ++k) {
      v = std::tanh(v);
      d *= 1 - v * v;
    }
    CHECK(x.grad()[i] == doctest::Approx(d).epsilon(1e-12));
  }
  CHECK(h.grad() == nullptr);  // an intermediate's buffer went to another node: not readable
}

TEST_CASE("parameter gradients accumulate with += until zero_grad") {
  Tape<double> tape;
  Parameter<double> p(Tensor<double>(Shape{2}, {1.0, -2.0}));
  for (int i = 0; i < 3; ++i) {
    tape.backward(sum(square(tape.param(p))));  // d/dp sum p^2 = 2p
    tape.reset();
  }
  CHECK(p.grad[0] == doctest::Approx(6.0));
  CHECK(p.grad[1] == doctest::Approx(-12.0));
  p.zero_grad();
  CHECK(p.grad[0] == 0.0);
  // The same parameter used twice in one graph gets both contributions.
  Var<double> a = tape.param(p), b = tape.param(p);
  tape.backward(sum(a * b));
  CHECK(p.grad[0] == doctest::Approx(2.0));
}

TEST_CASE("no_grad records nothing") {
  Tape<double> tape;
  Parameter<double> p(Tensor<double>(Shape{3}, {1, 2, 3}));
  Var<double> y;
  {
    NoGradGuard<double> guard(tape);
    y = exp(tape.param(p));
  }
  CHECK(tape.grad_enabled());
  CHECK_FALSE(y.requires_grad());
  CHECK(tape.node(y.id).n_in == 0);
  CHECK(y[1] == doctest::Approx(std::exp(2.0)));
  tape.backward(sum(y));  // nothing to do
  CHECK(p.grad[0] == 0.0);
}

TEST_CASE("the tape prints one line per node and writes Graphviz dot") {
  Tape<float> tape;
  Var<float> x = tape.variable(Tensor<float>::full(Shape{2, 3}, 1.0f));
  Var<float> y = sum(tanh(x) * 2.0, 1);
  (void)y;
  std::ostringstream text, dot;
  tape.print(text);
  tape.write_dot(dot);
  const std::string s = text.str();
  CHECK(s.find("tape: 4 nodes") != std::string::npos);
  CHECK(s.find("tanh") != std::string::npos);
  CHECK(s.find("scale") != std::string::npos);
  CHECK(s.find("(2, 1)") != std::string::npos);
  CHECK(dot.str().find("digraph tape") != std::string::npos);
  CHECK(dot.str().find("n1 -> n2") != std::string::npos);
  CHECK(tape.arena_bytes_used() > 0);
}

TEST_CASE("shape errors name the op and both shapes") {
  Tape<float> tape;
  Var<float> a = tape.zeros(Shape{2, 3});
  Var<float> b = tape.zeros(Shape{4, 5});
  CHECK_THROWS_WITH_AS(add(a, b), "add: shapes do not broadcast (shapes (2, 3) and (4, 5))", ShapeError);
  CHECK_THROWS_WITH_AS(matmul(a, b), "matmul: inner dimensions differ (shapes (2, 3) and (4, 5))", ShapeError);
  CHECK_THROWS_WITH_AS(row_dot(a, b), "row_dot: shapes differ (shapes (2, 3) and (4, 5))", ShapeError);
  const std::vector<std::int32_t> bad{0, 7};
  CHECK_THROWS_WITH_AS(gather_rows(a, bad), "gather_rows: index 7 at position 1 is out of range for 2 rows", ShapeError);
  CHECK_THROWS_AS(slice(a, 1, 2, 5), ShapeError);
  CHECK_THROWS_AS(reshape(a, Shape{7}), ShapeError);
  CHECK_THROWS_AS(concat({a, b}, 1), ShapeError);
  CHECK_THROWS_AS(tape.backward(a), ShapeError);  // not a scalar
  Tape<float> other;
  CHECK_THROWS_AS(add(a, other.zeros(Shape{2, 3})), std::invalid_argument);
  CHECK_THROWS_AS(tape.grad(sum(a), a), std::invalid_argument);  // a constant has no gradient
  CHECK_THROWS_AS(Tensor<float>(Shape{2}, {1.0f, 2.0f, 3.0f}), ShapeError);
}

TEST_CASE("the finite-value switch names the op that made the first NaN") {
  Tape<double> tape;
  tape.set_check_finite(true);
  Var<double> x = tape.variable(Tensor<double>(Shape{3}, {1.0, -1.0, 2.0}));
  Var<double> y = exp(x);
  CHECK_THROWS_WITH_AS(log(neg(y)), doctest::Contains("produced by op 'log'"), NonFiniteError);
  // Backward: sqrt(0) is finite, its derivative is not.
  Var<double> z = tape.variable(Tensor<double>(Shape{1}, {0.0}));
  CHECK_THROWS_WITH_AS(tape.backward(sum(sqrt(z))), doctest::Contains("backward of op 'sqrt'"), NonFiniteError);
  tape.set_check_finite(false);
  CHECK(std::isnan(log(neg(y))[0]));
}

TEST_CASE("variables keep their gradient across backward calls") {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(Shape{1}, {3.0}));
  Var<double> y = sum(x * x * x);
  tape.backward(y);
  tape.backward(y);
  CHECK(x.grad()[0] == doctest::Approx(2 * 27.0));
  // A vector seed gives a vector-Jacobian product.
  Tape<double> t2;
  Var<double> v = t2.variable(Tensor<double>(Shape{2}, {1.0, 2.0}));
  t2.backward(square(v), Tensor<double>(Shape{2}, {10.0, 100.0}));
  CHECK(v.grad()[0] == doctest::Approx(20.0));
  CHECK(v.grad()[1] == doctest::Approx(400.0));
}

TEST_CASE("a default tensor is empty and copies safely") {
  Tensor<double> a;
  CHECK(a.numel() == 0);
  Tensor<double> b(a);
  CHECK(b.numel() == 0);
  b = Tensor<double>(Shape{2}, {1.0, 2.0});
  a = b;
  CHECK(a[1] == 2.0);
}
