// The CUDA backend's kernels: forward and backward of every tape op on raw device pointers,
// shapes on every buffer. Each function launches on the default stream and returns at once
// (call cuda::synchronize() before reading results on the host). The signatures follow the
// cases of the CPU backward switch (autodiff/backward.cpp): `accumulate` is the negation of the
// switch's `claim(x)` (add into a gradient already written instead of overwriting it), so that
// switch can call these on Device::CUDA nodes. Every reduction runs in a fixed order without
// atomics: the same inputs give the same bits on every run. T is float or double.
#pragma once

#include <cstdint>

#include "autodiff/attributes.hpp"
#include "cuda/element_ops.hpp"
#include "cuda/segments.hpp"

namespace dg::cuda {

// Every function below, by name (the backend test calls them all through this list).
// clang-format off
#define DG_CUDA_BACKEND_FUNCTIONS(X)                                                                  \
  X(binary_forward) X(binary_backward) X(unary_forward) X(unary_backward)                             \
  X(sum_to) X(expand) X(copy_block) X(transpose) X(fill)                                              \
  X(gather_rows) X(segment_sum) X(row_dot) X(row_scale) X(matmul)                                     \
  X(linear_forward) X(activation_backward) X(pair_linear_forward) X(adam_update)
// clang-format on

// ---- elementwise -----------------------------------------------------------------------------
// y (sy) = a (sa) op b (sb), numpy broadcasting; op is Add, Sub, Mul or Div.
template <class T>
void binary_forward(Op op, T* y, const T* a, const T* b, const Shape& sy, const Shape& sa, const Shape& sb);
// The gradient of a (wrt_b false, gx of shape sa) or of b (wrt_b true, gx of shape sb), summed
// over the dimensions where it is broadcast; g and y are (sy).
template <class T>
void binary_backward(Op op, bool wrt_b, T* gx, bool accumulate, const T* g, const T* a, const T* b, const T* y,
                     const Shape& sy, const Shape& sa, const Shape& sb);
// y (n) = f(x) for a unary op; gx (n) (+)= g f'(x, y).
template <class T>
void unary_forward(Op op, T* y, const T* x, index_t n, Attributes at);
template <class T>
void unary_backward(Op op, T* gx, bool accumulate, const T* g, const T* x, const T* y, index_t n, Attributes at);

// ---- shapes ----------------------------------------------------------------------------------
// x (sx) (+)= y (sy) summed over the dimensions where x is broadcast: sum_to, expand's backward.
template <class T>
void sum_to(T* x, bool accumulate, const Shape& sx, const T* y, const Shape& sy);
// y (sy) (+)= x (sx) broadcast: expand, sum_to's backward.
template <class T>
void expand(T* y, bool accumulate, const Shape& sy, const T* x, const Shape& sx);
// dst (rows, width) block (+)= src block: concat, slice, pad and their backward.
template <class T>
void copy_block(T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows, index_t width,
                bool accumulate);
// y (C, R) (+)= x^T for x (R, C): transpose and its backward.
template <class T>
void transpose(T* y, const T* x, index_t R, index_t C, bool accumulate);
// y (n) = v.
template <class T>
void fill(T* y, index_t n, T v);

// ---- rows ------------------------------------------------------------------------------------
// y (E, C) (+)= x[index[e]] (R, C): gather_rows, and scatter_add_rows' backward. index on the device.
template <class T>
void gather_rows(T* y, bool accumulate, const T* x, const std::int32_t* index, index_t E, index_t C);
// y (R, C) (+)= the segment sums of x (E, C): scatter_add_rows, and gather_rows' backward. The
// segment lists (device pointers) come from build_segments on the host.
template <class T>
void segment_sum(T* y, bool accumulate, const T* x, SegmentsView segments, index_t C);
// y (R, 1) = rows' dot products of a, b (R, C), or rows' norms of a (norm true, b ignored).
template <class T>
void row_dot(T* y, const T* a, const T* b, index_t R, index_t C, bool norm);
// gx (R, C) (+)= g[r] other[r, c] (row_dot), or g[r] x[r, c] / y[r] (row_norm: other = x, norm = y).
template <class T>
void row_scale(T* gx, bool accumulate, const T* g, const T* other, const T* norm, index_t R, index_t C);

// ---- linear algebra (cuBLAS) -----------------------------------------------------------------
// y (m, n) (+)= op(a) op(b), op(a) (m, k), op(b) (k, n), row-major; op = transpose where asked.
template <class T>
void matmul(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool transpose_a, bool transpose_b,
            bool accumulate);

// ---- fused -----------------------------------------------------------------------------------
// linear: y (R, O) = act(x W + b), x (R, I), W (I, O), bias (O) or null; derivative (R, O)
// receives act'(x W + b) when not null (the node's `saved`).
template <class T>
void linear_forward(Act act, T* y, T* derivative, const T* x, const T* W, const T* bias, index_t R, index_t I,
                    index_t O);
// gz (n) = g act'(z), from `derivative` when kept, else from y: the first step of the backward of
// linear and pair_linear (then matmul, sum_to and segment_sum).
template <class T>
void activation_backward(Act act, T* gz, const T* g, const T* y, const T* derivative, index_t n);
// pair_linear: y (E, H) = act(p[first[e]] + q[second[e]] + a[e] W), a (E, A) and W (A, H) null
// when A = 0; derivative as for linear_forward. first, second (E) on the device.
template <class T>
void pair_linear_forward(Act act, T* y, T* derivative, const T* p, const std::int32_t* first, const T* q,
                         const std::int32_t* second, const T* a, const T* W, index_t E, index_t H, index_t A);

// ---- optimiser -------------------------------------------------------------------------------
// One Adam / AdamW step over n elements of parameter p, its gradient g and moments m, v.
template <class T>
void adam_update(T* p, const T* g, T* m, T* v, index_t n, AdamStep<T> step);

}  // namespace dg::cuda
