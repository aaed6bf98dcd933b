// Vectorised forward and backward loops of the unary ops over a contiguous range, through
// Eigen's packet math (exp, log, tanh, logistic, sin, cos are about 50x faster than the scalar
// libm calls). Ops without a vectorised form fall back to the scalar formulas of unary.hpp.
// A range is always cut at the same places whatever the thread count, so results are stable.
#pragma once

#include <algorithm>

#include <Eigen/Core>

#include "autodiff/kernels/unary.hpp"
#include "autodiff/shape.hpp"

namespace dg::kernels {

// y[0, n) = f(x[0, n)).
template <Op op, class T>
void unary_forward_range(T* y, const T* x, index_t n, T a0, T a1) {
  using A = Eigen::Array<T, Eigen::Dynamic, 1>;
  const Eigen::Map<const A> X(x, n);
  Eigen::Map<A> Y(y, n);
  if constexpr (op == Op::Exp) Y = X.exp();
  else if constexpr (op == Op::Log) Y = X.log();
  else if constexpr (op == Op::Sqrt) Y = X.sqrt();
  else if constexpr (op == Op::Tanh) Y = X.tanh();
  else if constexpr (op == Op::Sigmoid) Y = X.logistic();
  else if constexpr (op == Op::Silu) Y = X * X.logistic();
  else if constexpr (op == Op::Softplus) Y = X.max(T(0)) + (-X.abs()).exp().log1p();
  else if constexpr (op == Op::Sin) Y = X.sin();
  else if constexpr (op == Op::Cos) Y = X.cos();
  else
    for (index_t i = 0; i < n; ++i) y[i] = unary_value<op>(x[i], a0, a1);
}

// y[0, n) = f(z[0, n)) and, in place of z, f'(z), for the activations whose derivative needs
// the pre-activation (silu, softplus, sin; act_needs_preactivation). The fused ops keep f'(z)
// instead of z, so their backward is the product g f'(z), and silu's sigmoid is evaluated once,
// in the forward.
template <Op op, class T>
void unary_forward_and_derivative(T* y, T* z, index_t n) {
  static_assert(op == Op::Silu || op == Op::Softplus || op == Op::Sin, "only for activations differentiated from z");
  using A = Eigen::Array<T, Eigen::Dynamic, 1>;
  constexpr index_t kPiece = 256;
  alignas(64) T s_buf[kPiece];
  for (index_t lo = 0; lo < n; lo += kPiece) {
    const index_t len = std::min(kPiece, n - lo);
    Eigen::Map<A> Z(z + lo, len), Y(y + lo, len), S(s_buf, len);
    if constexpr (op == Op::Silu) {  // y = z s, f' = s (1 + z (1 - s)), s = sigmoid(z)
      S = Z.logistic();
      Y = Z * S;
      Z = S * (T(1) + Z * (T(1) - S));
    } else if constexpr (op == Op::Softplus) {  // f' = sigmoid(z)
      Y = Z.max(T(0)) + (-Z.abs()).exp().log1p();
      Z = Z.logistic();
    } else if constexpr (op == Op::Sin) {  // f' = cos(z)
      Y = Z.sin();
      Z = Z.cos();
    }
  }
}

// The activation step of the fused ops (linear, pair_linear): y[0, n) = act(z[0, n)), and with
// `keep_derivative` (only for act_needs_preactivation) z overwritten by act'(z). The identity
// does nothing (y is z there).
template <class T>
void apply_activation(Act act, bool keep_derivative, T* y, T* z, index_t n) {
  if (keep_derivative) {
    switch (act) {
      case Act::Silu: unary_forward_and_derivative<Op::Silu>(y, z, n); return;
      case Act::Softplus: unary_forward_and_derivative<Op::Softplus>(y, z, n); return;
      case Act::Sin: unary_forward_and_derivative<Op::Sin>(y, z, n); return;
      default: break;
    }
  }
  const Op op = act_op(act);
  if (op != Op::Count) dispatch_unary(op, [&]<Op o>() { unary_forward_range<o>(y, z, n, T(0), T(0)); });
}

// gx[0, n) += g * f'(x, y), or = when `overwrite` (the first gradient written into gx).
template <Op op, class T>
void unary_backward_range(T* gx, const T* g, const T* x, const T* y, index_t n, T a0, T a1, bool overwrite) {
  using A = Eigen::Array<T, Eigen::Dynamic, 1>;
  const Eigen::Map<const A> X(x, n), Y(y, n), G(g, n);
  Eigen::Map<A> GX(gx, n);
  auto put = [&](const auto& expr) {
    if (overwrite) GX = expr;
    else GX += expr;
  };
  if constexpr (op == Op::Sigmoid) put(G * Y * (T(1) - Y));
  else if constexpr (op == Op::Tanh) put(G * (T(1) - Y * Y));
  else if constexpr (op == Op::Silu) {  // s (1 + x (1 - s)), s = sigmoid(x) computed once per piece
    constexpr index_t kPiece = 256;
    alignas(64) T s_buf[kPiece];
    for (index_t lo = 0; lo < n; lo += kPiece) {
      const index_t len = std::min(kPiece, n - lo);
      Eigen::Map<A> S(s_buf, len);
      S = X.segment(lo, len).logistic();
      const auto d = G.segment(lo, len) * S * (T(1) + X.segment(lo, len) * (T(1) - S));
      if (overwrite) GX.segment(lo, len) = d;
      else GX.segment(lo, len) += d;
    }
  }
  else if constexpr (op == Op::Softplus) put(G * X.logistic());
  else if constexpr (op == Op::Sin) put(G * X.cos());
  else if constexpr (op == Op::Cos) put(-G * X.sin());
  else if (overwrite)
    for (index_t i = 0; i < n; ++i) gx[i] = g[i] * unary_derivative<op>(x[i], y[i], a0, a1);
  else
    for (index_t i = 0; i < n; ++i) gx[i] += g[i] * unary_derivative<op>(x[i], y[i], a0, a1);
}

}  // namespace dg::kernels
