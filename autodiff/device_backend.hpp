// The device backend table: the forward and backward entry points the tape needs for one
// non-CPU device, on raw pointers in that device's memory. A tape on such a device
// (Tape(Device)) calls them from its forward ops (autodiff/ops*.cpp) and from its backward
// switch (autodiff/backward_device.cpp) instead of the CPU kernels; the optimisers call
// `adam_update`. autodiff/ does not know how they are implemented: cuda/ fills one table per
// device and registers it (cuda/device_backends.hpp: the GPU's kernels for Device::CUDA, the same
// kernels on the host grid for Device::Emulated). Arguments and shapes as in cuda/backend.hpp;
// `accumulate` adds into the output instead of overwriting it. A function returns once its work
// is queued: results reach the host through device_copy, which waits for it.
#pragma once

#include <cstdint>

#include "autodiff/attributes.hpp"
#include "autodiff/op.hpp"
#include "autodiff/shape.hpp"
#include "autodiff/storage.hpp"

namespace dg {

class Arena;

// The constants of one Adam / AdamW step (nn/adam.hpp), per element:
//   g' = g + l2 p;  p *= shrink;  m = b1 m + one_b1 g';  v = b2 v + one_b2 g'^2;
//   p -= step_size m / (sqrt(v) / sqrt_c2 + eps)
template <class T>
struct AdamStep {
  T step_size, sqrt_c2, b1, b2, one_b1, one_b2, eps, l2, shrink;
};

template <class T>
struct DeviceBackend {
  Device device;
  // ---- elementwise: y (sy) = a (sa) op b (sb) with broadcasting; gx of a (wrt_b false) or b
  void (*binary_forward)(Op op, T* y, const T* a, const T* b, const Shape& sy, const Shape& sa, const Shape& sb);
  void (*binary_backward)(Op op, bool wrt_b, T* gx, bool accumulate, const T* g, const T* a, const T* b, const T* y,
                          const Shape& sy, const Shape& sa, const Shape& sb);
  void (*unary_forward)(Op op, T* y, const T* x, index_t n, Attributes at);
  void (*unary_backward)(Op op, T* gx, bool accumulate, const T* g, const T* x, const T* y, index_t n, Attributes at);
  // ---- shapes: x (sx) (+)= y (sy) summed to x's shape; y (sy) (+)= x (sx) broadcast
  void (*sum_to)(T* x, bool accumulate, const Shape& sx, const T* y, const Shape& sy);
  void (*expand)(T* y, bool accumulate, const Shape& sy, const T* x, const Shape& sx);
  // dst (rows, width) block (+)= src block; y (C, R) (+)= x^T for x (R, C); y (n) = v
  void (*copy_block)(T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows, index_t width,
                     bool accumulate);
  void (*transpose)(T* y, const T* x, index_t R, index_t C, bool accumulate);
  void (*fill)(T* y, index_t n, T v);
  // ---- rows: y (E, C) (+)= x[index[e]], index (E) on the device
  void (*gather_rows)(T* y, bool accumulate, const T* x, const std::int32_t* index, index_t E, index_t C);
  // y (R, C) (+)= sum of the rows e of x (E, C) with host_index[e] == r, in increasing e (no
  // atomics). host_index (E) is in host memory; the segment lists built from it are staged in
  // `host` (kept until the tape's reset, so that a replayed CUDA graph finds them) and copied into
  // `scratch`, an arena on this device that must outlive the queued work.
  void (*segment_sum)(T* y, bool accumulate, const T* x, const std::int32_t* host_index, index_t E, index_t R,
                      index_t C, Arena& scratch, Arena& host);
  // y (R, 1) = rows' dot products of a, b (R, C), or norms of a; gx (R, C) (+)= g[r] other[r, c] (/ norm[r])
  void (*row_dot)(T* y, const T* a, const T* b, index_t R, index_t C, bool norm);
  void (*row_scale)(T* gx, bool accumulate, const T* g, const T* other, const T* norm, index_t R, index_t C);
  // ---- y (m, n) (+)= op(a) op(b), row-major
  void (*matmul)(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool transpose_a, bool transpose_b,
                 bool accumulate);
  // ---- fused: linear, its activation's backward, pair_linear (first, second (E) on the device)
  void (*linear_forward)(Act act, T* y, T* derivative, const T* x, const T* W, const T* bias, index_t R, index_t I,
                         index_t O);
  void (*activation_backward)(Act act, T* gz, const T* g, const T* y, const T* derivative, index_t n);
  void (*pair_linear_forward)(Act act, T* y, T* derivative, const T* p, const std::int32_t* first, const T* q,
                              const std::int32_t* second, const T* a, const T* W, index_t E, index_t H, index_t A);
  // ---- optimiser: one Adam / AdamW step of n elements
  void (*adam_update)(T* p, const T* g, T* m, T* v, index_t n, AdamStep<T> step);
};

// Installs the tables of `device` (not the CPU); later calls replace them.
void register_device_backend(Device device, const DeviceBackend<float>* f32, const DeviceBackend<double>* f64);
// The table of `device`; throws std::runtime_error naming the device when none is registered
// (call dg::cuda::register_device_backends(), cuda/device_backends.hpp) or for the CPU.
template <class T>
const DeviceBackend<T>& device_backend(Device device);

}  // namespace dg
