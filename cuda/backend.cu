// The CUDA backend's entry points (cuda/backend.hpp): each runs the op of cuda/ops.hpp with the
// GPU executor (kernel launches and cuBLAS, cuda/launch.cuh), for float and double.
#include "cuda/backend.hpp"
#include "cuda/launch.cuh"
#include "cuda/ops.hpp"

namespace dg::cuda {

template <class T>
void binary_forward(Op op, T* y, const T* a, const T* b, const Shape& sy, const Shape& sa, const Shape& sb) {
  ops::binary_forward(Gpu{}, op, y, a, b, sy, sa, sb);
}
template <class T>
void binary_backward(Op op, bool wrt_b, T* gx, bool accumulate, const T* g, const T* a, const T* b, const T* y,
                     const Shape& sy, const Shape& sa, const Shape& sb) {
  ops::binary_backward(Gpu{}, op, wrt_b, gx, accumulate, g, a, b, y, sy, sa, sb);
}
template <class T>
void unary_forward(Op op, T* y, const T* x, index_t n, Attributes at) {
  ops::unary_forward(Gpu{}, op, y, x, n, at);
}
template <class T>
void unary_backward(Op op, T* gx, bool accumulate, const T* g, const T* x, const T* y, index_t n, Attributes at) {
  ops::unary_backward(Gpu{}, op, gx, accumulate, g, x, y, n, at);
}
template <class T>
void sum_to(T* x, bool accumulate, const Shape& sx, const T* y, const Shape& sy) {
  ops::sum_to(Gpu{}, x, accumulate, sx, y, sy);
}
template <class T>
void expand(T* y, bool accumulate, const Shape& sy, const T* x, const Shape& sx) {
  ops::expand(Gpu{}, y, accumulate, sy, x, sx);
}
template <class T>
void copy_block(T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows, index_t width,
                bool accumulate) {
  ops::copy_block(Gpu{}, dst, dst_stride, src, src_stride, rows, width, accumulate);
}
template <class T>
void transpose(T* y, const T* x, index_t R, index_t C, bool accumulate) {
  ops::transpose(Gpu{}, y, x, R, C, accumulate);
}
template <class T>
void fill(T* y, index_t n, T v) {
  ops::fill(Gpu{}, y, n, v);
}
template <class T>
void gather_rows(T* y, bool accumulate, const T* x, const std::int32_t* index, index_t E, index_t C) {
  ops::gather_rows(Gpu{}, y, accumulate, x, index, E, C);
}
template <class T>
void segment_sum(T* y, bool accumulate, const T* x, SegmentsView segments, index_t C) {
  ops::segment_sum(Gpu{}, y, accumulate, x, segments, C);
}
template <class T>
void row_dot(T* y, const T* a, const T* b, index_t R, index_t C, bool norm) {
  ops::row_dot(Gpu{}, y, a, b, R, C, norm);
}
template <class T>
void row_scale(T* gx, bool accumulate, const T* g, const T* other, const T* norm, index_t R, index_t C) {
  ops::row_scale(Gpu{}, gx, accumulate, g, other, norm, R, C);
}
template <class T>
void matmul(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool transpose_a, bool transpose_b,
            bool accumulate) {
  ops::matmul(Gpu{}, y, a, b, m, n, k, transpose_a, transpose_b, accumulate);
}
template <class T>
void linear_forward(Act act, T* y, T* derivative, const T* x, const T* W, const T* bias, index_t R, index_t I,
                    index_t O) {
  ops::linear_forward(Gpu{}, act, y, derivative, x, W, bias, R, I, O);
}
template <class T>
void activation_backward(Act act, T* gz, const T* g, const T* y, const T* derivative, index_t n) {
  ops::activation_backward(Gpu{}, act, gz, g, y, derivative, n);
}
template <class T>
void pair_linear_forward(Act act, T* y, T* derivative, const T* p, const std::int32_t* first, const T* q,
                         const std::int32_t* second, const T* a, const T* W, index_t E, index_t H, index_t A) {
  ops::pair_linear_forward(Gpu{}, act, y, derivative, p, first, q, second, a, W, E, H, A);
}
template <class T>
void adam_update(T* p, const T* g, T* m, T* v, index_t n, AdamStep<T> step) {
  ops::adam_update(Gpu{}, p, g, m, v, n, step);
}

#define DG_CUDA_INSTANTIATE(T)                                                                                 \
  template void binary_forward(Op, T*, const T*, const T*, const Shape&, const Shape&, const Shape&);          \
  template void binary_backward(Op, bool, T*, bool, const T*, const T*, const T*, const T*, const Shape&,      \
                                const Shape&, const Shape&);                                                   \
  template void unary_forward(Op, T*, const T*, index_t, Attributes);                                          \
  template void unary_backward(Op, T*, bool, const T*, const T*, const T*, index_t, Attributes);               \
  template void sum_to(T*, bool, const Shape&, const T*, const Shape&);                                        \
  template void expand(T*, bool, const Shape&, const T*, const Shape&);                                        \
  template void copy_block(T*, index_t, const T*, index_t, index_t, index_t, bool);                            \
  template void transpose(T*, const T*, index_t, index_t, bool);                                               \
  template void fill(T*, index_t, T);                                                                          \
  template void gather_rows(T*, bool, const T*, const std::int32_t*, index_t, index_t);                        \
  template void segment_sum(T*, bool, const T*, SegmentsView, index_t);                                        \
  template void row_dot(T*, const T*, const T*, index_t, index_t, bool);                                       \
  template void row_scale(T*, bool, const T*, const T*, const T*, index_t, index_t);                           \
  template void matmul(T*, const T*, const T*, index_t, index_t, index_t, bool, bool, bool);                   \
  template void linear_forward(Act, T*, T*, const T*, const T*, const T*, index_t, index_t, index_t);          \
  template void activation_backward(Act, T*, const T*, const T*, const T*, index_t);                           \
  template void pair_linear_forward(Act, T*, T*, const T*, const std::int32_t*, const T*, const std::int32_t*, \
                                    const T*, const T*, index_t, index_t, index_t);                            \
  template void adam_update(T*, const T*, T*, T*, index_t, AdamStep<T>);
DG_CUDA_INSTANTIATE(float)
DG_CUDA_INSTANTIATE(double)
#undef DG_CUDA_INSTANTIATE

}  // namespace dg::cuda
