// The device backend table (autodiff/device_backend.hpp) of one executor: each entry runs its op
// from cuda/ops.hpp with `Exec`, on memory of `kDevice`. The GPU's table is BackendTable<Gpu,
// Device::CUDA, T> (cuda/device_backend_cuda.cu), the emulated device's BackendTable<HostGrid,
// Device::Emulated, T> (cuda/device_backends.cpp): the same code, so a tape on the emulated
// device runs the GPU's index logic and element bodies, and tests its dispatch without a GPU.
// Each entry opens the emulated device's guard (EmulatedAccess, a no-op on other devices) while it runs.
#pragma once

#include <algorithm>
#include <span>

#include "autodiff/arena.hpp"
#include "autodiff/device_backend.hpp"
#include "cuda/ops.hpp"
#include "cuda/segments.hpp"

namespace dg::cuda {

template <class Exec, Device kDevice, class T>
struct BackendTable {
  static void binary_forward(Op op, T* y, const T* a, const T* b, const Shape& sy, const Shape& sa, const Shape& sb) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::binary_forward(Exec{}, op, y, a, b, sy, sa, sb);
  }
  static void binary_backward(Op op, bool wrt_b, T* gx, bool accumulate, const T* g, const T* a, const T* b, const T* y,
                              const Shape& sy, const Shape& sa, const Shape& sb) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::binary_backward(Exec{}, op, wrt_b, gx, accumulate, g, a, b, y, sy, sa, sb);
  }
  static void unary_forward(Op op, T* y, const T* x, index_t n, Attributes at) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::unary_forward(Exec{}, op, y, x, n, at);
  }
  static void unary_backward(Op op, T* gx, bool accumulate, const T* g, const T* x, const T* y, index_t n,
                             Attributes at) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::unary_backward(Exec{}, op, gx, accumulate, g, x, y, n, at);
  }
  static void sum_to(T* x, bool accumulate, const Shape& sx, const T* y, const Shape& sy) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::sum_to(Exec{}, x, accumulate, sx, y, sy);
  }
  static void expand(T* y, bool accumulate, const Shape& sy, const T* x, const Shape& sx) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::expand(Exec{}, y, accumulate, sy, x, sx);
  }
  static void copy_block(T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows, index_t width,
                         bool accumulate) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::copy_block(Exec{}, dst, dst_stride, src, src_stride, rows, width, accumulate);
  }
  static void transpose(T* y, const T* x, index_t R, index_t C, bool accumulate) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::transpose(Exec{}, y, x, R, C, accumulate);
  }
  static void fill(T* y, index_t n, T v) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::fill(Exec{}, y, n, v);
  }
  static void gather_rows(T* y, bool accumulate, const T* x, const std::int32_t* index, index_t E, index_t C) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::gather_rows(Exec{}, y, accumulate, x, index, E, C);
  }
  // The segment lists are built on the host (a stable counting sort), staged in `host` and copied
  // to the device.
  static void segment_sum(T* y, bool accumulate, const T* x, const std::int32_t* host_index, index_t E, index_t R,
                          index_t C, Arena& scratch, Arena& host) {
    const Segments s =
        build_segments("segment_sum", std::span<const std::int32_t>(host_index, static_cast<std::size_t>(E)), R);
    const std::size_t n = s.start.size() + s.order.size();
    std::int32_t* staged = host.allocate_array<std::int32_t>(n);  // (R + 1 + E) start, then order
    std::copy(s.start.begin(), s.start.end(), staged);
    std::copy(s.order.begin(), s.order.end(), staged + s.start.size());
    std::int32_t* start = scratch.allocate_array<std::int32_t>(n);  // (R + 1 + E) on the device
    std::int32_t* order = start + s.start.size();
    device_copy(start, kDevice, staged, Device::CPU, n * sizeof(std::int32_t));
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::segment_sum(Exec{}, y, accumulate, x, SegmentsView{start, order, R}, C);
  }
  static void row_dot(T* y, const T* a, const T* b, index_t R, index_t C, bool norm) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::row_dot(Exec{}, y, a, b, R, C, norm);
  }
  static void row_scale(T* gx, bool accumulate, const T* g, const T* other, const T* norm, index_t R, index_t C) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::row_scale(Exec{}, gx, accumulate, g, other, norm, R, C);
  }
  static void matmul(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool transpose_a, bool transpose_b,
                     bool accumulate) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::matmul(Exec{}, y, a, b, m, n, k, transpose_a, transpose_b, accumulate);
  }
  static void linear_forward(Act act, T* y, T* derivative, const T* x, const T* W, const T* bias, index_t R, index_t I,
                             index_t O) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::linear_forward(Exec{}, act, y, derivative, x, W, bias, R, I, O);
  }
  static void activation_backward(Act act, T* gz, const T* g, const T* y, const T* derivative, index_t n) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::activation_backward(Exec{}, act, gz, g, y, derivative, n);
  }
  static void pair_linear_forward(Act act, T* y, T* derivative, const T* p, const std::int32_t* first, const T* q,
                                  const std::int32_t* second, const T* a, const T* W, index_t E, index_t H, index_t A) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::pair_linear_forward(Exec{}, act, y, derivative, p, first, q, second, a, W, E, H, A);
  }
  static void adam_update(T* p, const T* g, T* m, T* v, index_t n, AdamStep<T> step) {
    const EmulatedAccess access(kDevice);  // the emulated device's guard (autodiff/storage.hpp)
    ops::adam_update(Exec{}, p, g, m, v, n, step);
  }

  static constexpr DeviceBackend<T> table() {
    return DeviceBackend<T>{
        kDevice,     &binary_forward, &binary_backward, &unary_forward,  &unary_backward,      &sum_to,
        &expand,     &copy_block,     &transpose,       &fill,           &gather_rows,         &segment_sum,
        &row_dot,    &row_scale,      &matmul,          &linear_forward, &activation_backward, &pair_linear_forward,
        &adam_update};
  }
};

}  // namespace dg::cuda
