// Scalar formulas of the unary ops: value f(x) and derivative f'(x) (given x and y = f(x)).
// One place for both, so the forward kernel, the numeric backward and the tests agree.
#pragma once

#include <cmath>

#include "autodiff/op.hpp"

namespace dg::kernels {

template <class T>
inline T stable_sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  T e = std::exp(x);
  return e / (T(1) + e);
}

// y = f(x); a0, a1 are the op's scalar attributes.
template <Op op, class T>
inline T unary_value(T x, T a0, T a1) {
  if constexpr (op == Op::Neg) return -x;
  else if constexpr (op == Op::Exp) return std::exp(x);
  else if constexpr (op == Op::Log) return std::log(x);
  else if constexpr (op == Op::Sqrt) return std::sqrt(x);
  else if constexpr (op == Op::Square) return x * x;
  else if constexpr (op == Op::Abs) return std::abs(x);
  else if constexpr (op == Op::Tanh) return std::tanh(x);
  else if constexpr (op == Op::Sigmoid) return stable_sigmoid(x);
  else if constexpr (op == Op::Relu) return x > T(0) ? x : T(0);
  else if constexpr (op == Op::Silu) return x * stable_sigmoid(x);
  else if constexpr (op == Op::Softplus) return (x > T(0) ? x : T(0)) + std::log1p(std::exp(-std::abs(x)));
  else if constexpr (op == Op::Sin) return std::sin(x);
  else if constexpr (op == Op::Cos) return std::cos(x);
  else if constexpr (op == Op::Pow) return a0 == T(-1) ? T(1) / x : a0 == T(2) ? x * x : std::pow(x, a0);
  else if constexpr (op == Op::Clamp) return x < a0 ? a0 : (x > a1 ? a1 : x);
  else if constexpr (op == Op::Scale) return a0 * x;
  else if constexpr (op == Op::AddScalar) return x + a0;
  else if constexpr (op == Op::Mask) return (x > a0 && x < a1) ? T(1) : T(0);
  else if constexpr (op == Op::Sign) return T((x > T(0)) - (x < T(0)));
  else static_assert(op == Op::Neg, "not a unary op");
}

// dy/dx at x, where y = f(x) is already known.
template <Op op, class T>
inline T unary_derivative(T x, T y, T a0, T a1) {
  if constexpr (op == Op::Neg) return T(-1);
  else if constexpr (op == Op::Exp) return y;
  else if constexpr (op == Op::Log) return T(1) / x;
  else if constexpr (op == Op::Sqrt) return T(0.5) / y;
  else if constexpr (op == Op::Square) return T(2) * x;
  else if constexpr (op == Op::Abs) return T((x > T(0)) - (x < T(0)));
  else if constexpr (op == Op::Tanh) return T(1) - y * y;
  else if constexpr (op == Op::Sigmoid) return y * (T(1) - y);
  else if constexpr (op == Op::Relu) return x > T(0) ? T(1) : T(0);
  else if constexpr (op == Op::Silu) {
    T s = stable_sigmoid(x);
    return s * (T(1) + x * (T(1) - s));
  } else if constexpr (op == Op::Softplus) return stable_sigmoid(x);
  else if constexpr (op == Op::Sin) return std::cos(x);
  else if constexpr (op == Op::Cos) return -std::sin(x);
  else if constexpr (op == Op::Pow) return a0 == T(-1) ? T(-1) / (x * x) : a0 == T(2) ? T(2) * x : a0 * std::pow(x, a0 - T(1));
  else if constexpr (op == Op::Clamp) return (x > a0 && x < a1) ? T(1) : T(0);
  else if constexpr (op == Op::Scale) return a0;
  else if constexpr (op == Op::AddScalar) return T(1);
  else if constexpr (op == Op::Mask || op == Op::Sign) return T(0);
  else static_assert(op == Op::Neg, "not a unary op");
  (void)a1;
}

// Calls f.template operator()<op>() for the runtime unary op; returns false if `op` is not unary.
template <class F>
inline bool dispatch_unary(Op op, F&& f) {
  switch (op) {
#define DG_UNARY_CASE(e) \
  case Op::e: f.template operator()<Op::e>(); return true;
    DG_UNARY_CASE(Neg) DG_UNARY_CASE(Exp) DG_UNARY_CASE(Log) DG_UNARY_CASE(Sqrt) DG_UNARY_CASE(Square)
    DG_UNARY_CASE(Abs) DG_UNARY_CASE(Tanh) DG_UNARY_CASE(Sigmoid) DG_UNARY_CASE(Relu) DG_UNARY_CASE(Silu)
    DG_UNARY_CASE(Softplus) DG_UNARY_CASE(Sin) DG_UNARY_CASE(Cos) DG_UNARY_CASE(Pow) DG_UNARY_CASE(Clamp)
    DG_UNARY_CASE(Scale) DG_UNARY_CASE(AddScalar) DG_UNARY_CASE(Mask) DG_UNARY_CASE(Sign)
#undef DG_UNARY_CASE
    default: return false;
  }
}

}  // namespace dg::kernels
