// The few updates every integrator makes to its values (positions, velocities, accelerations,
// each (N, d): N particles x d dimensions), in two versions with the same names:
//
//   Tensor<T>  plain arrays, updated in place; nothing allocates (fast simulation);
//   Var<T>     tape values; each update appends nodes and rebinds the handle, so a loss can be
//              differentiated through a rollout. Noise enters the tape as constants.
//
// A scheme is written once as a template over the value type V and calls only these functions
// (plus the force and the boundary), so the same code runs a simulation and a training rollout.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "autodiff/tensor.hpp"

namespace dg::integrators {

// The scalar type of a value type, and whether it lives on a tape.
template <class V>
struct ValueTraits;
template <class T>
struct ValueTraits<Tensor<T>> {
  using Scalar = T;
  static constexpr bool on_tape = false;
};
template <class T>
struct ValueTraits<Var<T>> {
  using Scalar = T;
  static constexpr bool on_tape = true;
};
template <class V>
using scalar_of = typename ValueTraits<V>::Scalar;

// ---- plain tensors: in place, elementwise, parallel only when large ----------------------------

namespace detail {
template <class T>
void require_same_size(const char* what, const Tensor<T>& y, const Tensor<T>& x) {
  if (y.numel() != x.numel()) throw_shape_error(what, "sizes differ (was the state initialised?)", y.shape(), x.shape());
}
// Runs body(i) for i in [0, n): one plain loop below the parallel threshold (a few particles cost
// nanoseconds, no chunking), fixed chunks above it; any split gives the same bits.
template <class Body>
void elementwise(index_t n, Body&& body) {
  if (n < kParallelWork) {
    for (index_t i = 0; i < n; ++i) body(i);
    return;
  }
  parallel_for(n, n, [&](index_t lo, index_t hi) {
    for (index_t i = lo; i < hi; ++i) body(i);
  });
}
}  // namespace detail

template <class T>
const Shape& shape_of(const Tensor<T>& x) { return x.shape(); }
template <class T>
const T* values_of(const Tensor<T>& x) { return x.data(); }

// y += h x
template <class T>
void add_scaled(Tensor<T>& y, double h, const Tensor<T>& x) {
  detail::require_same_size("add_scaled", y, x);
  T* py = y.data();
  const T* px = x.data();
  const T c = static_cast<T>(h);
  detail::elementwise(y.numel(), [&](index_t i) { py[i] += c * px[i]; });
}

// y *= c
template <class T>
void multiply_by(Tensor<T>& y, double c) {
  T* py = y.data();
  const T s = static_cast<T>(c);
  detail::elementwise(y.numel(), [&](index_t i) { py[i] *= s; });
}

// y += noise (noise is data, never differentiated)
template <class T>
void add_noise(Tensor<T>& y, const Tensor<T>& noise) {
  detail::require_same_size("add_noise", y, noise);
  T* py = y.data();
  const T* pn = noise.data();
  detail::elementwise(y.numel(), [&](index_t i) { py[i] += pn[i]; });
}

// out = x + h y (out must already have the size of x; see allocate_like)
template <class T>
void set_sum(Tensor<T>& out, const Tensor<T>& x, double h, const Tensor<T>& y) {
  detail::require_same_size("set_sum", out, x);
  detail::require_same_size("set_sum", x, y);
  T* po = out.data();
  const T* px = x.data();
  const T* py = y.data();
  const T c = static_cast<T>(h);
  detail::elementwise(out.numel(), [&](index_t i) { po[i] = px[i] + c * py[i]; });
}

// out = x (a copy into out's storage)
template <class T>
void set_equal(Tensor<T>& out, const Tensor<T>& x) {
  detail::require_same_size("set_equal", out, x);
  std::copy(x.data(), x.data() + x.numel(), out.data());
}

// Gives `out` the shape `shape` (allocating only when its size differs).
template <class T>
void allocate_like(Tensor<T>& out, const Shape& shape) {
  if (out.shape() != shape) out = Tensor<T>::zeros(shape);
}

// ---- tape values: new nodes, the handle is rebound ---------------------------------------------

template <class T>
const Shape& shape_of(const Var<T>& x) { return x.shape(); }
template <class T>
const T* values_of(const Var<T>& x) { return x.data(); }

template <class T>
void add_scaled(Var<T>& y, double h, const Var<T>& x) { y = (h == 1.0) ? y + x : y + x * h; }
template <class T>
void multiply_by(Var<T>& y, double c) {
  if (c != 1.0) y = y * c;
}
template <class T>
void add_noise(Var<T>& y, const Tensor<T>& noise) { y = y + y.tape->constant(noise); }
template <class T>
void set_sum(Var<T>& out, const Var<T>& x, double h, const Var<T>& y) { out = (h == 1.0) ? x + y : x + y * h; }
template <class T>
void set_equal(Var<T>& out, const Var<T>& x) { out = x; }
template <class T>
void allocate_like(Var<T>&, const Shape&) {}

// ---- finite check (both versions read the values) ----------------------------------------------

// Index of the first NaN or Inf among n values, or -1. One branch-free pass first (cheap, and it
// vectorises), the search for the index only when something is wrong.
template <class S>
index_t first_non_finite(const S* p, index_t n) {
  int bad = 0;
  for (index_t i = 0; i < n; ++i) bad |= !(std::fabs(p[i]) <= std::numeric_limits<S>::max());
  if (!bad) return -1;
  for (index_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) return i;
  return -1;
}

}  // namespace dg::integrators
