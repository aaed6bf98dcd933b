// The body of every CUDA kernel for one output element, as `DG_HD` functions: a kernel in
// cuda/*.cu is a grid-stride loop that calls one of these for each of its elements. The normal
// CPU build runs the same bodies over every element (tests/cuda/index_test.cpp) and compares
// them with the tape's CPU kernels, so the index logic and the formulas are tested without a GPU;
// the launches themselves are not. Formulas of the unary ops and activations come from the rows
// of autodiff/kernels/unary.hpp, the same as on the CPU. `accumulate`: add into the output (a
// gradient already written) instead of overwriting it.
#pragma once

#include <cmath>

#include "autodiff/device_backend.hpp"
#include "autodiff/kernels/unary.hpp"
#include "cuda/index.hpp"

namespace dg::cuda {

// ---- unary ops and activations ---------------------------------------------------------------

// f(x) for a unary op (autodiff/op.hpp); ops that are not unary pass x through.
template <class T>
DG_HD inline T unary_value(Op op, T x, Attributes at) {
  switch (op) {
#define DG_CUDA_VALUE(e, f) \
  case Op::e: return kernels::UnaryOp<Op::e>::value(x, at);
    DG_UNARY_OPS(DG_CUDA_VALUE)
    DG_UNARY_OPS_WITH_ATTRIBUTES(DG_CUDA_VALUE)
#undef DG_CUDA_VALUE
    default: return x;  // not a unary op: never asked for
  }
}

// f'(x) given x and y = f(x); 0 for ops that are not unary.
template <class T>
DG_HD inline T unary_derivative(Op op, T x, T y, Attributes at) {
  switch (op) {
#define DG_CUDA_DERIVATIVE(e, f) \
  case Op::e: return static_cast<T>(kernels::UnaryOp<Op::e>::derivative(x, y, at));
    DG_UNARY_OPS(DG_CUDA_DERIVATIVE)
    DG_UNARY_OPS_WITH_ATTRIBUTES(DG_CUDA_DERIVATIVE)
#undef DG_CUDA_DERIVATIVE
    default: return T(0);  // not a unary op: never asked for
  }
}

// The unary op of an activation (Op::Count for the identity, whose value is x and derivative 1).
DG_HD inline Op activation_op(Act act) {
  switch (act) {
    case Act::Identity: return Op::Count;
#define DG_CUDA_ACT(e, f) \
  case Act::e: return Op::e;
      DG_ACTIVATION_OPS(DG_CUDA_ACT)
#undef DG_CUDA_ACT
  }
  return Op::Count;
}

// y = act(z); with `derivative`, also act'(z) (what the fused ops keep, node.saved).
template <class T>
DG_HD inline void activation_element(Act act, T* y, T* derivative, const T* z, index_t i) {
  const Op op = activation_op(act);
  const T zi = z[i];
  const T yi = op == Op::Count ? zi : unary_value(op, zi, Attributes{});
  if (derivative) derivative[i] = op == Op::Count ? T(1) : unary_derivative(op, zi, yi, Attributes{});
  y[i] = yi;
}

// gz = g act'(z): from the kept derivative when there is one, else from y (relu, tanh, sigmoid).
template <class T>
DG_HD inline T activation_grad_element(Act act, const T* g, const T* y, const T* derivative, index_t i) {
  const Op op = activation_op(act);
  if (op == Op::Count) return g[i];
  if (derivative) return g[i] * derivative[i];
  return g[i] * unary_derivative(op, y[i], y[i], Attributes{});
}

// ---- binary elementwise with broadcasting ----------------------------------------------------

template <class T>
DG_HD inline T binary_value(Op op, T u, T v) {
  switch (op) {
    case Op::Sub: return u - v;
    case Op::Mul: return u * v;
    case Op::Div: return u / v;
    default: return u + v;  // Op::Add
  }
}

// dy/da (wrt_b false) or dy/db (wrt_b true) of y = a op b.
template <class T>
DG_HD inline T binary_partial(Op op, bool wrt_b, T a, T b, T y) {
  switch (op) {
    case Op::Sub: return wrt_b ? T(-1) : T(1);
    case Op::Mul: return wrt_b ? a : b;
    case Op::Div: return wrt_b ? -y / b : T(1) / b;
    default: return T(1);  // Op::Add
  }
}

template <class T>
DG_HD inline void binary_element(Op op, T* y, const T* a, const T* b, BroadcastMap ma, BroadcastMap mb, index_t i) {
  y[i] = binary_value(op, a[ma.offset(i)], b[mb.offset(i)]);
}

// Gradient of one element t of the target operand (a, or b when wrt_b): the sum, in the fixed
// order of its box, of g * dy/dtarget over the output elements it reaches.
template <class T>
DG_HD inline void binary_grad_element(Op op, bool wrt_b, T* gx, Dims3 target, const T* g, const T* a, const T* b,
                                      const T* y, BroadcastMap ma, BroadcastMap mb, index_t t, bool accumulate) {
  const BroadcastMap& mt = wrt_b ? mb : ma;
  const ReduceBox box = reduce_box(t, target.x0, target.x1, target.x2, mt);
  T sum = accumulate ? gx[t] : T(0);
  for (index_t k = 0; k < box.count(); ++k) {
    const index_t i = box.element(k);
    sum += g[i] * binary_partial(op, wrt_b, a[ma.offset(i)], b[mb.offset(i)], y[i]);
  }
  gx[t] = sum;
}

// ---- shapes ----------------------------------------------------------------------------------

// x (target dims) (+)= the sum of y over the dimensions where x is broadcast (sum_to's forward,
// expand's backward, a bias gradient).
template <class T>
DG_HD inline void sum_to_element(T* x, Dims3 target, const T* y, BroadcastMap mx, index_t t, bool accumulate) {
  const ReduceBox box = reduce_box(t, target.x0, target.x1, target.x2, mx);
  T sum = accumulate ? x[t] : T(0);
  for (index_t k = 0; k < box.count(); ++k) sum += y[box.element(k)];
  x[t] = sum;
}

// y = x broadcast to y's grid (expand's forward, sum_to's backward with accumulate).
template <class T>
DG_HD inline void expand_element(T* y, const T* x, BroadcastMap mx, index_t i, bool accumulate) {
  y[i] = (accumulate ? y[i] : T(0)) + x[mx.offset(i)];
}

// dst (rows, width) (+)= src block (concat, slice, pad and their backward), element i of the block.
template <class T>
DG_HD inline void block_element(T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t width, index_t i,
                                bool accumulate) {
  const index_t r = i / width, c = i - r * width;
  T& out = dst[r * dst_stride + c];
  out = (accumulate ? out : T(0)) + src[r * src_stride + c];
}

// y (C, R) (+)= x^T for x (R, C): element i of y.
template <class T>
DG_HD inline void transpose_element(T* y, const T* x, index_t R, index_t C, index_t i, bool accumulate) {
  const index_t c = i / R, r = i - c * R;
  y[i] = (accumulate ? y[i] : T(0)) + x[r * C + c];
}

// ---- rows ------------------------------------------------------------------------------------

// y (E, C) (+)= x[index[e]] (R, C): gather's forward, scatter-add's backward.
template <class T>
DG_HD inline void gather_element(T* y, const T* x, const std::int32_t* index, index_t C, index_t i, bool accumulate) {
  const index_t e = i / C, c = i - e * C;
  y[i] = (accumulate ? y[i] : T(0)) + x[static_cast<index_t>(index[e]) * C + c];
}

// y (R) = sum_c a[r, c] b[r, c], or its square root (row_norm, with a = b = x).
template <class T>
DG_HD inline void row_dot_element(T* y, const T* a, const T* b, index_t C, index_t r, bool root) {
  T s = 0;
  for (index_t c = 0; c < C; ++c) s += a[r * C + c] * b[r * C + c];
  y[r] = root ? std::sqrt(s) : s;
}

// gx[r, c] (+)= g[r] * other[r, c] (row_dot), or g[r] x[r, c] / y[r] (row_norm: other = x,
// norm = y; 0 where y = 0).
template <class T>
DG_HD inline void row_scale_element(T* gx, const T* g, const T* other, const T* norm, index_t C, index_t i,
                                    bool accumulate) {
  const index_t r = i / C;
  T s = g[r];
  if (norm) s = norm[r] == T(0) ? T(0) : s / norm[r];
  gx[i] = (accumulate ? gx[i] : T(0)) + s * other[i];
}

// ---- fused -----------------------------------------------------------------------------------

// z[e, c] = p[i_e, c] + q[j_e, c] + sum_k a[e, k] W[k, c]: pair_linear's pre-activation. a, W
// may be null (A = 0).
template <class T>
DG_HD inline void pair_preactivation_element(T* z, const T* p, const std::int32_t* first, const T* q,
                                             const std::int32_t* second, const T* a, const T* W, index_t H, index_t A,
                                             index_t i) {
  const index_t e = i / H, c = i - e * H;
  T s = p[static_cast<index_t>(first[e]) * H + c] + q[static_cast<index_t>(second[e]) * H + c];
  for (index_t k = 0; k < A; ++k) s += a[e * A + k] * W[k * H + c];
  z[i] = s;
}

// z[r, c] += bias[c]: linear's bias, element i of (R, O).
template <class T>
DG_HD inline void add_bias_element(T* z, const T* bias, index_t O, index_t i) {
  z[i] += bias[i % O];
}

// ---- optimiser -------------------------------------------------------------------------------

// The constants of one Adam step (nn/adam.cpp computes them; bias corrections folded in), the
// same struct as the device backend table's (autodiff/device_backend.hpp).
using dg::AdamStep;

// One element of the Adam / AdamW update, the same arithmetic as nn/adam.cpp.
template <class T>
DG_HD inline void adam_element(T* p, const T* g, T* m, T* v, AdamStep<T> c, index_t i) {
  const T gi = g[i] + c.l2 * p[i];
  p[i] *= c.shrink;
  m[i] = c.b1 * m[i] + c.one_b1 * gi;
  v[i] = c.b2 * v[i] + c.one_b2 * gi * gi;
  p[i] -= c.step_size * m[i] / (std::sqrt(v[i]) / c.sqrt_c2 + c.eps);
}

}  // namespace dg::cuda
