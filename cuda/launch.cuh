// The executor of cuda/ops.hpp on the GPU: one kernel template, a grid-stride loop calling a
// __host__ __device__ lambda for each of n elements, launched on the device stream
// (autodiff/storage.hpp: the default stream, or a graph capture's); products through cuBLAS on
// the same stream. nvcc only (the lambdas need --extended-lambda).
#pragma once

#include "autodiff/storage.hpp"
#include "cuda/cublas.hpp"
#include "cuda/index.hpp"
#include "cuda/runtime.hpp"

namespace dg::cuda {

template <class F>
__global__ void each_element_kernel(index_t n, F f) {
  const index_t stride = element_stride(gridDim.x);
  for (index_t i = first_element(blockIdx.x, threadIdx.x); i < n; i += stride) f(i);
}

struct Gpu {
  // f(i) for i in [0, n); `what` names the op in errors.
  template <class F>
  void operator()(const char* what, index_t n, F f) const {
    if (n <= 0) return;
    each_element_kernel<<<static_cast<unsigned>(block_count(n)), kThreads, 0,
                          static_cast<cudaStream_t>(device_stream())>>>(n, f);
    check_launch(what);
  }
  template <class T>
  void gemm(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool ta, bool tb, bool accumulate) const {
    cublas_gemm(y, a, b, m, n, k, ta, tb, accumulate);
  }
};

}  // namespace dg::cuda
