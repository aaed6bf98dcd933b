// The loops of the unary ops over a contiguous range, generated from the rows of
// autodiff/kernels/unary.hpp: a row's vector forms (Eigen packet math) where it has them, else
// its scalar formulas element by element. A range is always cut at the same places whatever the
// thread count, so results are stable; so are the 256-element pieces below.
#pragma once

#include <algorithm>

#include <Eigen/Core>

#include "autodiff/kernels/unary.hpp"
#include "autodiff/shape.hpp"

namespace dg::kernels {

// The `scaled` of a vector derivative that applies nothing: f' alone.
struct Unscaled {
  template <class F>
  F operator()(const F& f) const { return f; }
};

template <Op op>
concept HasVectorValue = requires(const Eigen::Map<const Eigen::ArrayXf>& x) { UnaryOp<op>::vector_value(x); };
template <Op op>
concept HasSharedPart = requires(const Eigen::Map<const Eigen::ArrayXf>& x) { UnaryOp<op>::vector_shared(x); };
template <Op op>
concept HasVectorDerivative = HasSharedPart<op> || requires(const Eigen::Map<const Eigen::ArrayXf>& x) {
  UnaryOp<op>::vector_derivative(Unscaled{}, x, x);
};

// Elements per piece of the loops that keep a shared part (silu's sigmoid) in a stack buffer.
inline constexpr index_t kUnaryPiece = 256;

// y[0, n) = f(x[0, n)).
template <Op op, class T>
void unary_forward_range(T* y, const T* x, index_t n, Attributes at) {
  using Row = UnaryOp<op>;
  if constexpr (HasVectorValue<op>) {
    using A = Eigen::Array<T, Eigen::Dynamic, 1>;
    Eigen::Map<A>(y, n) = Row::vector_value(Eigen::Map<const A>(x, n));
  } else {
    for (index_t i = 0; i < n; ++i) y[i] = Row::value(x[i], at);
  }
}

// y[0, n) = f(z[0, n)) and, in place of z, f'(z), for the activations whose derivative needs the
// pre-activation (the rows that use the input). The fused ops keep f'(z) instead of z, so their
// backward is the product g f'(z), and a shared part (silu's sigmoid) is evaluated once, here.
template <Op op, class T>
void unary_forward_and_derivative(T* y, T* z, index_t n) {
  using Row = UnaryOp<op>;
  static_assert(Row::uses == Uses::Input && HasVectorValue<op> && HasVectorDerivative<op>,
                "only for vectorised activations differentiated from z");
  using A = Eigen::Array<T, Eigen::Dynamic, 1>;
  alignas(64) T s_buf[kUnaryPiece];
  for (index_t lo = 0; lo < n; lo += kUnaryPiece) {
    const index_t len = std::min(kUnaryPiece, n - lo);
    Eigen::Map<A> Z(z + lo, len), Y(y + lo, len), S(s_buf, len);
    if constexpr (HasSharedPart<op>) {
      S = Row::vector_shared(Z);
      Y = Row::vector_value(Z, S);
      Z = Row::vector_derivative(Unscaled{}, Z, Z, S);
    } else {
      Y = Row::vector_value(Z);
      Z = Row::vector_derivative(Unscaled{}, Z, Z);
    }
  }
}

// The activation step of the fused ops (linear, pair_linear): y[0, n) = act(z[0, n)), and with
// `keep_derivative` (only for act_needs_preactivation) z overwritten by act'(z). The identity
// does nothing (y is z there).
template <class T>
void apply_activation(Act act, bool keep_derivative, T* y, T* z, index_t n) {
  auto apply = [&]<Op op>() {
    if constexpr (UnaryOp<op>::uses == Uses::Input) {
      if (keep_derivative) {
        unary_forward_and_derivative<op>(y, z, n);
        return;
      }
    }
    unary_forward_range<op>(y, z, n, Attributes{});
  };
  switch (act) {
    case Act::Identity: return;
#define DG_APPLY_CASE(e, f) \
  case Act::e: apply.template operator()<Op::e>(); return;
      DG_ACTIVATION_OPS(DG_APPLY_CASE)
#undef DG_APPLY_CASE
  }
}

// gx[0, n) += g * f'(x, y), or = when `overwrite` (the first gradient written into gx).
template <Op op, class T>
void unary_backward_range(T* gx, const T* g, const T* x, const T* y, index_t n, Attributes at, bool overwrite) {
  using Row = UnaryOp<op>;
  if constexpr (HasVectorDerivative<op>) {
    using A = Eigen::Array<T, Eigen::Dynamic, 1>;
    const Eigen::Map<const A> X(x, n), Y(y, n), G(g, n);
    Eigen::Map<A> GX(gx, n);
    if constexpr (HasSharedPart<op>) {  // the shared part computed once per piece
      alignas(64) T s_buf[kUnaryPiece];
      for (index_t lo = 0; lo < n; lo += kUnaryPiece) {
        const index_t len = std::min(kUnaryPiece, n - lo);
        Eigen::Map<A> S(s_buf, len);
        const auto Xp = X.segment(lo, len);
        const auto Gp = G.segment(lo, len);
        S = Row::vector_shared(Xp);
        const auto d = Row::vector_derivative([&](const auto& f) { return Gp * f; }, Xp, Y.segment(lo, len), S);
        if (overwrite) GX.segment(lo, len) = d;
        else GX.segment(lo, len) += d;
      }
    } else {
      const auto d = Row::vector_derivative([&](const auto& f) { return G * f; }, X, Y);
      if (overwrite) GX = d;
      else GX += d;
    }
  } else if (overwrite) {
    for (index_t i = 0; i < n; ++i) gx[i] = g[i] * Row::derivative(x[i], y[i], at);
  } else {
    for (index_t i = 0; i < n; ++i) gx[i] += g[i] * Row::derivative(x[i], y[i], at);
  }
}

}  // namespace dg::kernels
