// y (m, n) = or += op(a) @ op(b). a is stored (m, k), or (k, m) when transposed; b is stored
// (k, n), or (n, k). The work is cut into pieces whose boundaries depend only on the shapes (never
// on the number of threads), so results are bitwise identical with any thread count:
//  - blocks of output rows (matmul_row_block);
//  - when the output has too few rows to share out and the inner dimension is long (a weight
//    gradient x^T g over thousands of rows), fixed slices of k, each giving a partial product in
//    `scratch`, then summed in slice order.
// Each piece is one Eigen product, or, for float products a b and a^T b with at least 16 columns,
// the row kernel of gemm_rows.hpp where it is compiled (AVX-512, AVX2, NEON; a b^T too: b^T is first transposed
// into scratch; and a^T b with under 16 columns but at least 16 rows, as (b^T a)^T).
#pragma once

#include <Eigen/Core>
#include <type_traits>

#include "autodiff/arena.hpp"
#include "autodiff/kernels/gemm_rows.hpp"
#include "autodiff/parallel.hpp"
#include "autodiff/tensor.hpp"

namespace dg::kernels {

inline constexpr index_t kMatmulMaxBlocks = 8;      // pieces per product: enough for 8 threads
inline constexpr index_t kMatmulMinRowBlock = 64;   // fewer rows make Eigen repack b too often
inline constexpr index_t kRowKernelMinBlock = 32;   // the row kernel packs nothing: smaller blocks cost little
inline constexpr index_t kMatmulMinSlice = 128;     // shortest slice of k worth a partial product
inline constexpr index_t kMatmulMaxTransposed = 1 << 16;  // largest b transposed for gemm_rows
inline constexpr index_t kMatmulMaxSmallTransposed = 1 << 22;  // largest narrow a^T b done as (b^T a)^T

// True when the product of these shapes runs on the row kernel of gemm_rows.hpp: float,
// at least 16 output columns, b not transposed, or transposed into scratch when small.
template <class T>
bool matmul_uses_row_kernel(index_t n, index_t k, bool tb, bool has_scratch) {
  return std::is_same_v<T, float> && gemm_rows_applies(n) && (!tb || (has_scratch && n * k <= kMatmulMaxTransposed));
}

// Rows per block of an m-row output: m / 8 rounded up to a multiple of 16, at least 64 (32 on the
// row kernel).
inline index_t matmul_row_block(index_t m, bool row_kernel = false) {
  const index_t per_block = (m + kMatmulMaxBlocks - 1) / kMatmulMaxBlocks;
  return std::max(row_kernel ? kRowKernelMinBlock : kMatmulMinRowBlock, (per_block + 15) / 16 * 16);
}

// Length of the slices of k when the product is split along k, or 0 when it is not: only for
// outputs too short to share out by rows (at most two Eigen row blocks, or one row-kernel block:
// the row kernel runs a full-length k faster than slices plus their sum), and k of at least two
// slices.
inline index_t matmul_k_slice(index_t m, index_t k, bool row_kernel = false) {
  if (m > (row_kernel ? kRowKernelMinBlock : 2 * kMatmulMinRowBlock) || k < 2 * kMatmulMinSlice) return 0;
  const index_t per_slice = (k + kMatmulMaxBlocks - 1) / kMatmulMaxBlocks;
  return std::max(kMatmulMinSlice, (per_slice + 15) / 16 * 16);
}

// One Eigen product on rows [r0, r1) of y and [k0, k1) of the inner dimension; y_rows points at
// row r0 of the destination (leading dimension n).
template <class T>
void matmul_piece(T* y_rows, const T* a, const T* b, index_t m, index_t n, index_t k, bool ta, bool tb,
                  bool accumulate, index_t r0, index_t r1, index_t k0, index_t k1) {
  if constexpr (std::is_same_v<T, float>) {
    if (!tb && gemm_rows_applies(n)) {  // the row kernel, where compiled
      if (!ta) gemm_rows(y_rows, a + r0 * k + k0, k, 1, b + k0 * n, n, k1 - k0, accumulate, r1 - r0);
      else gemm_rows(y_rows, a + k0 * m + r0, 1, m, b + k0 * n, n, k1 - k0, accumulate, r1 - r0);
      return;
    }
  }
  const ConstMatrixMap<T> A(a, ta ? k : m, ta ? m : k);  // as stored
  const ConstMatrixMap<T> B(b, tb ? n : k, tb ? k : n);
  MatrixMap<T> Y(y_rows, r1 - r0, n);
  auto run = [&](const auto& Ab, const auto& Bm) {
    if (accumulate) Y.noalias() += Ab * Bm;
    else Y.noalias() = Ab * Bm;
  };
  const index_t rows = r1 - r0, depth = k1 - k0;
  if (!ta && !tb) run(A.block(r0, k0, rows, depth), B.middleRows(k0, depth));
  else if (!ta && tb) run(A.block(r0, k0, rows, depth), B.middleCols(k0, depth).transpose());
  else if (ta && !tb) run(A.block(k0, r0, depth, rows).transpose(), B.middleRows(k0, depth));
  else run(A.block(k0, r0, depth, rows).transpose(), B.middleCols(k0, depth).transpose());
}

// `scratch`, when given, holds the partial products of a split along k; without it the product
// is only split by rows.
template <class T>
void matmul(T* y, const T* a, const T* b, index_t m, index_t n, index_t k, bool ta, bool tb, bool accumulate,
            Arena* scratch = nullptr) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) std::fill(y, y + m * n, T(0));
    return;
  }
  const index_t work = m * n * k;
  if constexpr (std::is_same_v<T, float>) {
    // a^T b with fewer than 16 output columns (the weight gradient of an output layer) and at
    // least 16 rows: its transpose b^T a (n rows of m columns) on the row kernel, one thread
    // (the product is small), then transposed back.
    if (ta && !tb && n < 16 && gemm_rows_applies(m) && scratch && work <= kMatmulMaxSmallTransposed) {
      T* yt = scratch->allocate_array<T>(static_cast<std::size_t>(n * m));  // (n, m)
      gemm_rows(yt, b, 1, n, a, m, k, false, n);
      for (index_t i = 0; i < m; ++i)
        for (index_t c = 0; c < n; ++c) y[i * n + c] = (accumulate ? y[i * n + c] : T(0)) + yt[c * m + i];
      return;
    }
  }
  const bool row_kernel = matmul_uses_row_kernel<T>(n, k, tb, scratch != nullptr);
  const index_t slice = scratch && work >= kParallelWork ? matmul_k_slice(m, k, row_kernel) : 0;
  if (slice > 0) {
    const index_t slices = chunk_count(k, slice);
    T* partial = scratch->allocate_array<T>(static_cast<std::size_t>(slices * m * n));  // (slices, m, n)
    parallel_chunks(k, slice, work, [&](index_t s, index_t k0, index_t k1) {
      matmul_piece(partial + s * m * n, a, b, m, n, k, ta, tb, false, 0, m, k0, k1);
    });
    parallel_for(m * n, m * n * slices, [&](index_t lo, index_t hi) {  // y (+)= sum over slices, in order
      for (index_t i = lo; i < hi; ++i) {
        T sum = accumulate ? y[i] : T(0);
        for (index_t s = 0; s < slices; ++s) sum += partial[s * m * n + i];
        y[i] = sum;
      }
    });
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    // a b^T with b small (a weight): transposed once into scratch for the row kernel.
    if (tb && row_kernel) {
      T* bt = scratch->allocate_array<T>(static_cast<std::size_t>(k * n));  // (k, n)
      parallel_for(k, n * k, [&](index_t lo, index_t hi) {  // rows [lo, hi) of b^T
        for (index_t c = lo; c < hi; ++c)
          for (index_t r = 0; r < n; ++r) bt[c * n + r] = b[r * k + c];
      });
      matmul(y, a, bt, m, n, k, ta, false, accumulate, scratch);
      return;
    }
  }
  const index_t rows = matmul_row_block(m, row_kernel);
  if (m <= rows || work < kParallelWork) {
    matmul_piece(y, a, b, m, n, k, ta, tb, accumulate, 0, m, 0, k);
    return;
  }
  parallel_chunks(m, rows, work, [&](index_t, index_t lo, index_t hi) {
    matmul_piece(y + lo * n, a, b, m, n, k, ta, tb, accumulate, lo, hi, 0, k);
  });
}

}  // namespace dg::kernels
