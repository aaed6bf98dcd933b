// The CUDA backend's ops written once over an executor `run`: run(what, n, f) calls f(i) for every
// element i in [0, n) (a lambda calling a body of cuda/element_ops.hpp), and run.gemm(...) is a
// row-major matrix product. On the GPU the executor launches kernels and calls cuBLAS
// (cuda/launch.cuh); in the CPU build, HostGrid (cuda/host_grid.hpp) walks the same grid-stride
// loops on the host, so every op below runs and is tested without a GPU
// (tests/cuda/index_test.cpp). Arguments as in cuda/backend.hpp.
#pragma once

#include "cuda/element_ops.hpp"
#include "cuda/segments.hpp"

namespace dg::cuda::ops {

// ---- elementwise -----------------------------------------------------------------------------

template <class Exec, class T>
void binary_forward(const Exec& run, Op op, T* y, const T* a, const T* b, const Shape& sy, const Shape& sa,
                    const Shape& sb) {
  const BroadcastMap ma = broadcast_map(sa, sy), mb = broadcast_map(sb, sy);
  run("binary_forward", sy.numel(), [=] DG_HD(index_t i) { binary_element(op, y, a, b, ma, mb, i); });
}

template <class Exec, class T>
void binary_backward(const Exec& run, Op op, bool wrt_b, T* gx, bool accumulate, const T* g, const T* a, const T* b,
                     const T* y, const Shape& sy, const Shape& sa, const Shape& sb) {
  const BroadcastMap ma = broadcast_map(sa, sy), mb = broadcast_map(sb, sy);
  const Shape& target = wrt_b ? sb : sa;
  const Dims3 dims = dims3(target);
  run("binary_backward", target.numel(),
      [=] DG_HD(index_t t) { binary_grad_element(op, wrt_b, gx, dims, g, a, b, y, ma, mb, t, accumulate); });
}

template <class Exec, class T>
void unary_forward(const Exec& run, Op op, T* y, const T* x, index_t n, Attributes at) {
  run("unary_forward", n, [=] DG_HD(index_t i) { y[i] = unary_value(op, x[i], at); });
}

template <class Exec, class T>
void unary_backward(const Exec& run, Op op, T* gx, bool accumulate, const T* g, const T* x, const T* y, index_t n,
                    Attributes at) {
  run("unary_backward", n,
      [=] DG_HD(index_t i) { gx[i] = (accumulate ? gx[i] : T(0)) + g[i] * unary_derivative(op, x[i], y[i], at); });
}

// ---- shapes ----------------------------------------------------------------------------------

template <class Exec, class T>
void sum_to(const Exec& run, T* x, bool accumulate, const Shape& sx, const T* y, const Shape& sy) {
  const BroadcastMap mx = broadcast_map(sx, sy);
  const Dims3 dims = dims3(sx);
  run("sum_to", sx.numel(), [=] DG_HD(index_t t) { sum_to_element(x, dims, y, mx, t, accumulate); });
}

template <class Exec, class T>
void expand(const Exec& run, T* y, bool accumulate, const Shape& sy, const T* x, const Shape& sx) {
  const BroadcastMap mx = broadcast_map(sx, sy);
  run("expand", sy.numel(), [=] DG_HD(index_t i) { expand_element(y, x, mx, i, accumulate); });
}

template <class Exec, class T>
void copy_block(const Exec& run, T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows,
                index_t width, bool accumulate) {
  run("copy_block", rows * width,
      [=] DG_HD(index_t i) { block_element(dst, dst_stride, src, src_stride, width, i, accumulate); });
}

template <class Exec, class T>
void transpose(const Exec& run, T* y, const T* x, index_t R, index_t C, bool accumulate) {
  run("transpose", R * C, [=] DG_HD(index_t i) { transpose_element(y, x, R, C, i, accumulate); });
}

template <class Exec, class T>
void fill(const Exec& run, T* y, index_t n, T v) {
  run("fill", n, [=] DG_HD(index_t i) { y[i] = v; });
}

// ---- rows ------------------------------------------------------------------------------------

template <class Exec, class T>
void gather_rows(const Exec& run, T* y, bool accumulate, const T* x, const std::int32_t* index, index_t E, index_t C) {
  run("gather_rows", E * C, [=] DG_HD(index_t i) { gather_element(y, x, index, C, i, accumulate); });
}

template <class Exec, class T>
void segment_sum(const Exec& run, T* y, bool accumulate, const T* x, SegmentsView segments, index_t C) {
  run("segment_sum", segments.segments * C,
      [=] DG_HD(index_t i) { segment_sum_element(y, x, segments, C, i, accumulate); });
}

template <class Exec, class T>
void row_dot(const Exec& run, T* y, const T* a, const T* b, index_t R, index_t C, bool norm) {
  const T* other = norm ? a : b;
  run("row_dot", R, [=] DG_HD(index_t r) { row_dot_element(y, a, other, C, r, norm); });
}

template <class Exec, class T>
void row_scale(const Exec& run, T* gx, bool accumulate, const T* g, const T* other, const T* norm, index_t R,
               index_t C) {
  run("row_scale", R * C, [=] DG_HD(index_t i) { row_scale_element(gx, g, other, norm, C, i, accumulate); });
}

// ---- linear algebra --------------------------------------------------------------------------

template <class Exec, class T>
void matmul(const Exec& run, T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool transpose_a,
            bool transpose_b, bool accumulate) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) fill(run, y, m * n, T(0));
    return;
  }
  run.gemm(y, a, b, m, n, k, transpose_a, transpose_b, accumulate);
}

// ---- fused -----------------------------------------------------------------------------------

template <class Exec, class T>
void linear_forward(const Exec& run, Act act, T* y, T* derivative, const T* x, const T* W, const T* bias, index_t R,
                    index_t I, index_t O) {
  matmul(run, y, x, W, R, O, I, false, false, false);
  run("linear_forward", R * O, [=] DG_HD(index_t i) {
    if (bias) add_bias_element(y, bias, O, i);
    activation_element(act, y, derivative, y, i);
  });
}

template <class Exec, class T>
void activation_backward(const Exec& run, Act act, T* gz, const T* g, const T* y, const T* derivative, index_t n) {
  run("activation_backward", n, [=] DG_HD(index_t i) { gz[i] = activation_grad_element(act, g, y, derivative, i); });
}

template <class Exec, class T>
void pair_linear_forward(const Exec& run, Act act, T* y, T* derivative, const T* p, const std::int32_t* first,
                         const T* q, const std::int32_t* second, const T* a, const T* W, index_t E, index_t H,
                         index_t A) {
  run("pair_linear_forward", E * H, [=] DG_HD(index_t i) {
    pair_preactivation_element(y, p, first, q, second, a, W, H, A, i);
    activation_element(act, y, derivative, y, i);
  });
}

// ---- optimiser -------------------------------------------------------------------------------

template <class Exec, class T>
void adam_update(const Exec& run, T* p, const T* g, T* m, T* v, index_t n, AdamStep<T> step) {
  run("adam_update", n, [=] DG_HD(index_t i) { adam_element(p, g, m, v, step, i); });
}

}  // namespace dg::cuda::ops
