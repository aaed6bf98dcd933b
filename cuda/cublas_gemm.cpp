// Matrix products through cuBLAS. Row-major y = op(a) op(b) is the column-major product
// y^T = op(b)^T op(a)^T, so the operands are passed swapped. cuBLAS rather than our own kernel: it
// is in the toolkit, tuned for every GPU, and its gemm gives the same bits run after run for a
// fixed GPU, problem and handle (pedantic math: no TF32, no reduced-precision reductions).
#include <cublas_v2.h>

#include <string>

#include "autodiff/storage.hpp"
#include "cuda/cublas.hpp"
#include "cuda/runtime.hpp"

namespace dg::cuda {

namespace {

cublasHandle_t handle() {
  static cublasHandle_t h = [] {
    cublasHandle_t created = nullptr;
    if (cublasCreate(&created) != CUBLAS_STATUS_SUCCESS) throw CudaError("cublasCreate failed (no device?)");
    cublasSetMathMode(created, CUBLAS_PEDANTIC_MATH);
    return created;
  }();
  return h;
}

cublasStatus_t gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* alpha, const float* a,
                    int lda, const float* b, int ldb, const float* beta, float* c, int ldc) {
  return cublasSgemm(handle(), ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
cublasStatus_t gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const double* alpha,
                    const double* a, int lda, const double* b, int ldb, const double* beta, double* c, int ldc) {
  return cublasDgemm(handle(), ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace

template <class T>
void cublas_gemm(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool transpose_a, bool transpose_b,
                 bool accumulate) {
  const T one = 1, beta = accumulate ? T(1) : T(0);
  cublasSetStream(handle(), static_cast<cudaStream_t>(device_stream()));  // the kernels' stream
  // Row-major a is (m, k), or (k, m) when transposed: its leading dimension is its column count.
  const int lda = static_cast<int>(transpose_a ? m : k), ldb = static_cast<int>(transpose_b ? k : n);
  const cublasStatus_t s =
      gemm(transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, transpose_a ? CUBLAS_OP_T : CUBLAS_OP_N, static_cast<int>(n),
           static_cast<int>(m), static_cast<int>(k), &one, b, ldb, a, lda, &beta, y, static_cast<int>(n));
  if (s != CUBLAS_STATUS_SUCCESS) throw CudaError("matmul: cuBLAS gemm failed with status " + std::to_string(s));
}

template void cublas_gemm(float*, const float*, const float*, index_t, index_t, index_t, bool, bool, bool);
template void cublas_gemm(double*, const double*, const double*, index_t, index_t, index_t, bool, bool, bool);

}  // namespace dg::cuda
