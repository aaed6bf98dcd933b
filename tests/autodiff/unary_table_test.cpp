// The table of unary ops (autodiff/kernels/unary.hpp): for every row, the vectorised kernels
// (Eigen packet math, and the fused value-and-derivative of the activations) agree with the
// row's scalar formulas, which finite differences check here too; the names and activations
// generated from the op lists agree with each other.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "autodiff/kernels/unary_vector.hpp"

using namespace dg;
using namespace dg::kernels;

namespace {

// Attributes that make every op smooth on the test inputs (clamp and mask bounds outside them).
Attributes attributes_for(Op op) {
  Attributes at;
  if (op == Op::Pow) at.exponent = 1.5;
  if (op == Op::Clamp || op == Op::Mask) at.bounds = {-10.0, 10.0};
  if (op == Op::Scale) at.factor = -1.25;
  if (op == Op::AddScalar) at.addend = 0.5;
  return at;
}

// 1000 inputs in [0.1, 3.1] (log, sqrt and pow need x > 0), away from the kinks of relu, abs
// and sign at 0. Odd length: vector loops end in a scalar tail.
template <class T>
std::vector<T> inputs() {
  std::vector<T> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = T(0.1) + T(3) * static_cast<T>(i) / T(999);
  return x;
}

template <class T>
void check_close(T got, T want, T tolerance, const char* what, Op op, T x) {
  CAPTURE(what);
  CAPTURE(op_name(op));
  CAPTURE(x);
  CHECK(std::abs(got - want) <= tolerance * (T(1) + std::abs(want)));
}

}  // namespace

TEST_CASE_TEMPLATE("every unary row: vector kernels agree with the scalar formulas", T, float, double) {
  const T tol = std::is_same_v<T, float> ? T(2e-6) : T(1e-14);
  const std::vector<T> x = inputs<T>();
  const index_t n = static_cast<index_t>(x.size());
  for (Op op : kUnaryOps) {
    const Attributes at = attributes_for(op);
    std::vector<T> y(x.size()), g(x.size()), gx(x.size(), T(7));
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = T(0.5) + T(i % 7) / T(3);
    dispatch_unary(op, [&]<Op o>() {
      unary_forward_range<o>(y.data(), x.data(), n, at);
      unary_backward_range<o>(gx.data(), g.data(), x.data(), y.data(), n, at, true);
      for (std::size_t i = 0; i < x.size(); ++i) {
        check_close(y[i], UnaryOp<o>::value(x[i], at), tol, "value", op, x[i]);
        check_close(gx[i], g[i] * UnaryOp<o>::derivative(x[i], y[i], at), tol, "g f'", op, x[i]);
      }
      // += after = doubles it.
      unary_backward_range<o>(gx.data(), g.data(), x.data(), y.data(), n, at, false);
      for (std::size_t i = 0; i < x.size(); ++i)
        check_close(gx[i], T(2) * g[i] * UnaryOp<o>::derivative(x[i], y[i], at), tol, "g f' accumulated", op, x[i]);
    });
  }
}

TEST_CASE("every unary row: the scalar derivative matches central differences of the value") {
  const std::vector<double> x = inputs<double>();
  for (Op op : kUnaryOps) {
    if (op == Op::Sign || op == Op::Mask) continue;  // piecewise constant: no gradient flows
    const Attributes at = attributes_for(op);
    dispatch_unary(op, [&]<Op o>() {
      for (std::size_t i = 0; i < x.size(); i += 37) {
        const double h = 1e-6;
        const double fd = (UnaryOp<o>::value(x[i] + h, at) - UnaryOp<o>::value(x[i] - h, at)) / (2 * h);
        const double d = UnaryOp<o>::derivative(x[i], UnaryOp<o>::value(x[i], at), at);
        check_close(d, fd, 1e-6, "f' against finite differences", op, x[i]);
      }
    });
  }
}

TEST_CASE_TEMPLATE("the fused activations keep f'(z) equal to the unfused derivative", T, float, double) {
  const T tol = std::is_same_v<T, float> ? T(2e-6) : T(1e-14);
  const std::vector<T> x = inputs<T>();
  const index_t n = static_cast<index_t>(x.size());
  for (Act act : kActs) {
    if (!act_needs_preactivation(act)) continue;
    CAPTURE(act_name(act));
    std::vector<T> y(x.size()), z = x;
    apply_activation(act, true, y.data(), z.data(), n);
    dispatch_unary(act_op(act), [&]<Op o>() {
      for (std::size_t i = 0; i < x.size(); ++i) {
        check_close(y[i], UnaryOp<o>::value(x[i], Attributes{}), tol, "value", o, x[i]);
        check_close(z[i], UnaryOp<o>::derivative(x[i], y[i], Attributes{}), tol, "kept f'", o, x[i]);
      }
    });
  }
}

TEST_CASE("activations and ops share one name table") {
  CHECK(std::string(act_name(Act::Identity)) == "identity");
  int input_users = 0;
  for (Act act : kActs) {
    if (act == Act::Identity) continue;
    CAPTURE(act_name(act));
    CHECK(is_unary(act_op(act)));
    CHECK(std::string(act_name(act)) == op_name(act_op(act)));
    input_users += act_needs_preactivation(act);
  }
  CHECK(input_users == 3);  // silu, softplus, sin
  CHECK(std::string(op_name(Op::AddScalar)) == "add_scalar");
  CHECK(std::string(op_name(Op::PairLinear)) == "pair_linear");
  CHECK(std::string(op_name(Op::Count)) == "?");
}
