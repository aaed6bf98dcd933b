// Row-major matrix products on the device through cuBLAS (cuda/cublas_gemm.cpp), with the
// process's one cuBLAS handle (created on first use; pedantic math: no TF32).
#pragma once

#include "autodiff/shape.hpp"

namespace dg::cuda {

// y (m, n) (+)= op(a) op(b), op(a) (m, k), op(b) (k, n), all > 0; device pointers. T: float, double.
template <class T>
void cublas_gemm(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool transpose_a, bool transpose_b,
                 bool accumulate);

}  // namespace dg::cuda
