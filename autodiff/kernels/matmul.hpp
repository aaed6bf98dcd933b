// y (m, n) = or += op(a) @ op(b), through Eigen. a is stored (m, k), or (k, m) when transposed;
// b is stored (k, n), or (n, k). Work is split over fixed blocks of output rows, so each
// block is computed identically whatever the number of threads.
#pragma once

#include <Eigen/Core>

#include "autodiff/parallel.hpp"
#include "autodiff/tensor.hpp"

namespace dg::kernels {

inline constexpr index_t kMatmulRowBlock = 64;

template <class T>
void matmul(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool ta, bool tb, bool accumulate) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) std::fill(y, y + m * n, T(0));
    return;
  }
  const ConstMatrixMap<T> A(a, ta ? k : m, ta ? m : k);  // as stored
  const ConstMatrixMap<T> B(b, tb ? n : k, tb ? k : n);
  auto block = [&](index_t lo, index_t hi) {
    MatrixMap<T> Y(y + lo * n, hi - lo, n);
    auto run = [&](const auto& Ab, const auto& Bm) {
      if (accumulate) Y.noalias() += Ab * Bm;
      else Y.noalias() = Ab * Bm;
    };
    if (!ta && !tb) run(A.middleRows(lo, hi - lo), B);
    else if (!ta && tb) run(A.middleRows(lo, hi - lo), B.transpose());
    else if (ta && !tb) run(A.middleCols(lo, hi - lo).transpose(), B);
    else run(A.middleCols(lo, hi - lo).transpose(), B.transpose());
  };
  const index_t work = m * n * k;
  if (m <= kMatmulRowBlock || work < kParallelWork) {
    block(0, m);
    return;
  }
  parallel_chunks(m, kMatmulRowBlock, work, [&](index_t, index_t lo, index_t hi) { block(lo, hi); });
}

}  // namespace dg::kernels
