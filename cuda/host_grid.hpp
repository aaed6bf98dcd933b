// The executor of cuda/ops.hpp on the host: it walks exactly the grid-stride loops of the CUDA
// kernels (block_count blocks of kThreads threads, in block and thread order) and multiplies
// matrices with plain loops. It stands in for the GPU in the CPU build's tests of the backend
// (tests/cuda/), so those test the index logic and the op bodies, not the launches or cuBLAS.
#pragma once

#include "cuda/index.hpp"

namespace dg::cuda {

struct HostGrid {
  template <class F>
  void operator()(const char*, index_t n, F f) const {
    if (n <= 0) return;
    const index_t blocks = block_count(n), stride = element_stride(blocks);
    for (index_t block = 0; block < blocks; ++block)
      for (index_t thread = 0; thread < kThreads; ++thread)
        for (index_t i = first_element(block, thread); i < n; i += stride) f(i);
  }
  // y (m, n) (+)= op(a) op(b), row-major, summed over k in increasing order.
  template <class T>
  void gemm(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool ta, bool tb, bool accumulate) const {
    for (index_t r = 0; r < m; ++r)
      for (index_t c = 0; c < n; ++c) {
        T s = 0;
        for (index_t l = 0; l < k; ++l) s += (ta ? a[l * m + r] : a[r * k + l]) * (tb ? b[c * k + l] : b[l * n + c]);
        y[r * n + c] = (accumulate ? y[r * n + c] : T(0)) + s;
      }
  }
};

}  // namespace dg::cuda
