// The table of the unary elementwise ops: one row, UnaryOp<Op::X>, per op in DG_UNARY_OPS and
// DG_UNARY_OPS_WITH_ATTRIBUTES (autodiff/op.hpp), holding everything about it:
//   uses              what the derivative is computed from: the input x, the output y, or nothing;
//   value(x, at)      y = f(x) on one scalar;
//   derivative(x, y, at)
//                     f'(x), written once for scalars and for tape values (Var<T>): the numeric
//                     backward multiplies it by g element by element, the backward written as ops
//                     (autodiff/backward_graph.cpp) records g * derivative(x, y) on the tape;
//   recorded_pullback(g, x, y, at)   (optional) the recorded g f'(x) where it is built differently
//                     from g * derivative (kept so that recorded gradients keep their bits);
//   vector_value(x), vector_derivative(scaled, x, y[, s])   (optional) the same formulas on Eigen
//                     arrays through its packet math (exp, tanh, logistic, sin, cos about 50x faster
//                     than libm), for the ops on hot paths; `scaled` applies g to the first factor
//                     (g f1 f2, one pass, no temporary) or nothing (f' alone, kept by the fused
//                     ops); vector_shared(x) is a subexpression computed once per piece (silu's
//                     sigmoid).
// The kernels of autodiff/kernels/unary_vector.hpp, the backward cases and the activations of the
// fused ops are generated from these rows, and so are the CUDA backend's (cuda/element_ops.hpp):
// the scalar `value` and `derivative` are DG_HD, compiled for the GPU too under nvcc. Constants
// are written K(c): the scalar type for scalars and arrays, double for tape values (whose
// operators take doubles).
#pragma once

#include <cmath>
#include <concepts>
#include <limits>
#include <type_traits>

#include "autodiff/attributes.hpp"
#include "autodiff/kernels/host_device.hpp"
#include "autodiff/op.hpp"

namespace dg::kernels {

// What f'(x) is computed from.
enum class Uses { Nothing, Input, Output };

// The type of a constant in a formula over X (see the file comment).
template <class X>
using Constant = std::conditional_t<std::is_floating_point_v<X>, X, double>;

// One row per op, one line per formula (the formatter would split each DG_HD one into four):
// clang-format off
// Scalar forms of the tape ops that the formulas use (tape values find theirs in dg:: by ADL).
template <std::floating_point T>
DG_HD inline T stable_sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  T e = std::exp(x);
  return e / (T(1) + e);
}
template <std::floating_point T> DG_HD inline T sigmoid(T x) { return stable_sigmoid(x); }
template <std::floating_point T> DG_HD inline T square(T x) { return x * x; }
template <std::floating_point T> DG_HD inline T sign(T x) { return T((x > T(0)) - (x < T(0))); }
template <std::floating_point T> DG_HD inline T mask(T x, T lo, T hi) { return (x > lo && x < hi) ? T(1) : T(0); }
template <std::floating_point T> DG_HD inline T sin(T x) { return std::sin(x); }
template <std::floating_point T> DG_HD inline T cos(T x) { return std::cos(x); }

template <Op op>
struct UnaryOp;

template <>
struct UnaryOp<Op::Neg> {  // y = -x
  static constexpr Uses uses = Uses::Nothing;
  template <class T> DG_HD static T value(T x, Attributes) { return -x; }
  template <class X> DG_HD static auto derivative(const X&, const X&, Attributes) { return Constant<X>(-1); }
  template <class V> static V recorded_pullback(const V& g, const V&, const V&, Attributes) { return -g; }
};

template <>
struct UnaryOp<Op::Exp> {  // y = e^x
  static constexpr Uses uses = Uses::Output;
  template <class T> DG_HD static T value(T x, Attributes) { return std::exp(x); }
  template <class X> DG_HD static X derivative(const X&, const X& y, Attributes) { return y; }
  template <class A> static auto vector_value(const A& x) { return x.exp(); }
};

template <>
struct UnaryOp<Op::Log> {  // y = ln x
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes) { return std::log(x); }
  template <class T> DG_HD static T derivative(T x, T, Attributes) { return T(1) / x; }
  template <class V> static V recorded_pullback(const V& g, const V& x, const V&, Attributes) { return g / x; }
  template <class A> static auto vector_value(const A& x) { return x.log(); }
};

template <>
struct UnaryOp<Op::Sqrt> {  // y = sqrt(x)
  static constexpr Uses uses = Uses::Output;
  template <class T> DG_HD static T value(T x, Attributes) { return std::sqrt(x); }
  template <class T> DG_HD static T derivative(T, T y, Attributes) { return T(0.5) / y; }
  template <class V> static V recorded_pullback(const V& g, const V&, const V& y, Attributes) { return 0.5 * g / y; }
  template <class A> static auto vector_value(const A& x) { return x.sqrt(); }
};

template <>
struct UnaryOp<Op::Square> {  // y = x^2
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes) { return x * x; }
  template <class X> DG_HD static X derivative(const X& x, const X&, Attributes) { return Constant<X>(2) * x; }
};

template <>
struct UnaryOp<Op::Abs> {  // y = |x|
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes) { return std::abs(x); }
  template <class X> DG_HD static X derivative(const X& x, const X&, Attributes) { return sign(x); }
};

template <>
struct UnaryOp<Op::Tanh> {  // y = tanh x
  static constexpr Uses uses = Uses::Output;
  template <class T> DG_HD static T value(T x, Attributes) { return std::tanh(x); }
  template <class X> DG_HD static X derivative(const X&, const X& y, Attributes) { return Constant<X>(1) - square(y); }
  template <class A> static auto vector_value(const A& x) { return x.tanh(); }
  template <class F, class A> static auto vector_derivative(F scaled, const A&, const A& y) {
    using K = typename A::Scalar;
    return scaled(K(1) - y * y);
  }
};

template <>
struct UnaryOp<Op::Sigmoid> {  // y = 1 / (1 + e^-x)
  static constexpr Uses uses = Uses::Output;
  template <class T> DG_HD static T value(T x, Attributes) { return stable_sigmoid(x); }
  template <class X> DG_HD static X derivative(const X&, const X& y, Attributes) { return y * (Constant<X>(1) - y); }
  template <class A> static auto vector_value(const A& x) { return x.logistic(); }
  template <class F, class A> static auto vector_derivative(F scaled, const A&, const A& y) {
    using K = typename A::Scalar;
    return scaled(y) * (K(1) - y);
  }
};

template <>
struct UnaryOp<Op::Relu> {  // y = max(x, 0)
  static constexpr Uses uses = Uses::Output;  // y > 0 exactly where x > 0
  template <class T> DG_HD static T value(T x, Attributes) { return x > T(0) ? x : T(0); }
  template <class T> DG_HD static T derivative(T, T y, Attributes) { return y > T(0) ? T(1) : T(0); }
  template <class V> static V recorded_pullback(const V& g, const V& x, const V&, Attributes) {
    return g * mask(x, 0.0, std::numeric_limits<double>::infinity());
  }
};

template <>
struct UnaryOp<Op::Silu> {  // y = x sigmoid(x)
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes) { return x * stable_sigmoid(x); }
  template <class X> DG_HD static X derivative(const X& x, const X&, Attributes) {
    using K = Constant<X>;
    const X s = sigmoid(x);
    return s * (K(1) + x * (K(1) - s));
  }
  template <class A> static auto vector_value(const A& x) { return x * x.logistic(); }
  template <class A> static auto vector_shared(const A& x) { return x.logistic(); }
  template <class A, class S> static auto vector_value(const A& x, const S& s) { return x * s; }
  template <class F, class A, class S> static auto vector_derivative(F scaled, const A& x, const A&, const S& s) {
    using K = typename A::Scalar;
    return scaled(s) * (K(1) + x * (K(1) - s));
  }
};

template <>
struct UnaryOp<Op::Softplus> {  // y = ln(1 + e^x), computed stably
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes) { return (x > T(0) ? x : T(0)) + std::log1p(std::exp(-std::abs(x))); }
  template <class X> DG_HD static X derivative(const X& x, const X&, Attributes) { return sigmoid(x); }
  template <class A> static auto vector_value(const A& x) {
    using K = typename A::Scalar;
    return x.max(K(0)) + (-x.abs()).exp().log1p();
  }
  template <class F, class A> static auto vector_derivative(F scaled, const A& x, const A&) { return scaled(x.logistic()); }
};

template <>
struct UnaryOp<Op::Sin> {  // y = sin x
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes) { return std::sin(x); }
  template <class X> DG_HD static X derivative(const X& x, const X&, Attributes) { return cos(x); }
  template <class A> static auto vector_value(const A& x) { return x.sin(); }
  template <class F, class A> static auto vector_derivative(F scaled, const A& x, const A&) { return scaled(x.cos()); }
};

template <>
struct UnaryOp<Op::Cos> {  // y = cos x
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes) { return std::cos(x); }
  template <class X> DG_HD static X derivative(const X& x, const X&, Attributes) { return -sin(x); }
  template <class V> static V recorded_pullback(const V& g, const V& x, const V&, Attributes) { return -(g * sin(x)); }
  template <class A> static auto vector_value(const A& x) { return x.cos(); }
  template <class F, class A> static auto vector_derivative(F scaled, const A& x, const A&) { return -scaled(x.sin()); }
};

template <>
struct UnaryOp<Op::Sign> {  // y = -1, 0 or 1; no gradient flows
  static constexpr Uses uses = Uses::Nothing;
  template <class T> DG_HD static T value(T x, Attributes) { return sign(x); }
  template <class X> DG_HD static auto derivative(const X&, const X&, Attributes) { return Constant<X>(0); }
};

template <>
struct UnaryOp<Op::Pow> {  // y = x^exponent
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes at) {
    const T p = static_cast<T>(at.exponent);
    return p == T(-1) ? T(1) / x : p == T(2) ? x * x : std::pow(x, p);
  }
  template <class T> DG_HD static T derivative(T x, T, Attributes at) {
    const T p = static_cast<T>(at.exponent);
    return p == T(-1) ? T(-1) / (x * x) : p == T(2) ? T(2) * x : p * std::pow(x, p - T(1));
  }
  template <class V> static V recorded_pullback(const V& g, const V& x, const V&, Attributes at) {
    return g * (at.exponent * pow(x, at.exponent - 1.0));
  }
};

template <>
struct UnaryOp<Op::Clamp> {  // y = x limited to [lo, hi]
  static constexpr Uses uses = Uses::Input;
  template <class T> DG_HD static T value(T x, Attributes at) {
    const T lo = static_cast<T>(at.bounds.lo), hi = static_cast<T>(at.bounds.hi);
    return x < lo ? lo : (x > hi ? hi : x);
  }
  template <class X> DG_HD static X derivative(const X& x, const X&, Attributes at) {
    using K = Constant<X>;
    return mask(x, K(at.bounds.lo), K(at.bounds.hi));
  }
};

template <>
struct UnaryOp<Op::Scale> {  // y = factor x
  static constexpr Uses uses = Uses::Nothing;
  template <class T> DG_HD static T value(T x, Attributes at) { return static_cast<T>(at.factor) * x; }
  template <class X> DG_HD static auto derivative(const X&, const X&, Attributes at) { return Constant<X>(at.factor); }
};

template <>
struct UnaryOp<Op::AddScalar> {  // y = x + addend
  static constexpr Uses uses = Uses::Nothing;
  template <class T> DG_HD static T value(T x, Attributes at) { return x + static_cast<T>(at.addend); }
  template <class X> DG_HD static auto derivative(const X&, const X&, Attributes) { return Constant<X>(1); }
  template <class V> static V recorded_pullback(const V& g, const V&, const V&, Attributes) { return g; }
};

template <>
struct UnaryOp<Op::Mask> {  // y = 1 where lo < x < hi, else 0; no gradient flows
  static constexpr Uses uses = Uses::Nothing;
  template <class T> DG_HD static T value(T x, Attributes at) {
    return mask(x, static_cast<T>(at.bounds.lo), static_cast<T>(at.bounds.hi));
  }
  template <class X> DG_HD static auto derivative(const X&, const X&, Attributes) { return Constant<X>(0); }
};

// clang-format on

// ---- generated from the rows ----------------------------------------------------------------

inline constexpr Op kUnaryOps[] = {
#define DG_UNARY_LIST(e, f) Op::e,
    DG_UNARY_OPS(DG_UNARY_LIST) DG_UNARY_OPS_WITH_ATTRIBUTES(DG_UNARY_LIST)
#undef DG_UNARY_LIST
};

constexpr bool is_unary(Op op) {
  for (Op u : kUnaryOps)
    if (u == op) return true;
  return false;
}

// Calls f.template operator()<op>() for the runtime unary op; returns false if `op` is not unary.
template <class F>
inline bool dispatch_unary(Op op, F&& f) {
  switch (op) {
#define DG_DISPATCH_CASE(e, name)                   \
  case Op::e:                                       \
    if constexpr (is_unary(Op::e)) {                \
      f.template operator()<Op::e>();               \
      return true;                                  \
    } else {                                        \
      return false;                                 \
    }
    DG_OPS(DG_DISPATCH_CASE)
#undef DG_DISPATCH_CASE
    case Op::Count: return false;
  }
  return false;
}

// g f'(x) as tape ops: the row's recorded_pullback where it has one, else g * derivative(x, y).
template <Op op, class V>
V recorded_pullback(const V& g, const V& x, const V& y, Attributes at) {
  using Row = UnaryOp<op>;
  if constexpr (requires { Row::recorded_pullback(g, x, y, at); }) return Row::recorded_pullback(g, x, y, at);
  else return g * Row::derivative(x, y, at);
}

}  // namespace dg::kernels
