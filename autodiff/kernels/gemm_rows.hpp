// A float32 kernel for the narrow matrix products of these models (16 to a few hundred output
// columns): y (rows, n) = or += a (rows, k) @ b (k, n), n at least 16. b and y are row-major with
// leading dimension n; a(r, p) is read at a[r * rs + p * cs], so a can be a row-major block
// (rs = its leading dimension, cs = 1) or a transposed one (rs = 1, cs = its leading dimension:
// the weight gradient x^T g).
// One kernel, three instruction sets (autodiff/kernels/simd_f32.hpp): AVX-512 (-Darch=x86-64-v4 or
// native on such a CPU), AVX2 + FMA (x86-64-v3) and NEON (every aarch64 build). Elsewhere (x86-64
// baseline) matmul.hpp uses Eigen for everything. The environment variable DG_ROW_KERNEL=0 turns
// the kernel off at run time (Eigen everywhere), for measuring one against the other.
//
// Tile: MR rows of y by NV vectors of W floats, MR x NV accumulators held in registers (the last
// 1 to W - 1 columns, when n is not a multiple of W, in one partial vector). For each p in [0, k)
// the tile adds a[r, p] * b[p, c0 : c0 + W NV] to every row r: NV loads of b, MR broadcasts of a
// and MR x NV fused multiply-adds. AVX-512: MR = 6, NV = 4 (24 accumulators + 4 vectors of b = 28
// of 32 registers); AVX2: 6 x 2 (12 + 2 + 1 broadcast = 15 of 16); NEON: 6 x 4 (28 of 32). No
// packing: b is read in place (k x n floats, 16 KiB for 64 x 64, stays in L1 while the tiles walk
// down the rows of a).
//
// Every element of y is one fused multiply-add chain over p = 0, 1, ..., k - 1, whatever the
// tile, the block of rows or the thread: results do not depend on how rows are split. They do
// depend on the instruction set only through the rounding of Eigen's products elsewhere (the
// chain here is the same on each).
#pragma once

#include <cstdlib>

#include "autodiff/kernels/simd_f32.hpp"
#include "autodiff/shape.hpp"

namespace dg::kernels {

// False when the environment says DG_ROW_KERNEL=0 (read once).
inline bool row_kernel_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("DG_ROW_KERNEL");
    return !(v && v[0] == '0' && v[1] == '\0');
  }();
  return enabled;
}

// True when gemm_rows can compute a product with n output columns.
inline bool gemm_rows_applies(index_t n) { return DG_HAVE_SIMD_F32 && n >= 16 && row_kernel_enabled(); }

#if DG_HAVE_SIMD_F32

using RowSimd = simd::F32;                              // the widest vectors compiled
inline constexpr index_t kGemmRowsMR = RowSimd::kRows;  // rows per full tile

// One tile: rows [r0, r0 + MR) and columns [c0, c0 + W NV) of y; with kTail (NV = 1) only the
// first `tail` columns (the last n % W).
template <int MR, int NV, bool kTail = false>
inline void gemm_rows_tile(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n, index_t k,
                           bool accumulate, index_t r0, index_t c0, int tail = 0) {
  static_assert(!kTail || NV == 1, "a tail tile is one vector wide");
  using S = RowSimd;
  constexpr int W = S::kWidth;
  auto load = [&](const float* p) { return kTail ? S::load_part(p, tail) : S::load(p); };
  typename S::Vec acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NV; ++j) acc[i][j] = S::zero();
  for (index_t p = 0; p < k; ++p) {
    typename S::Vec bv[NV];  // b[p, c0 + W j : c0 + W (j + 1)]
    for (int j = 0; j < NV; ++j) bv[j] = load(b + p * n + c0 + W * j);
    for (int i = 0; i < MR; ++i) {
      const typename S::Vec ai = S::broadcast(a[(r0 + i) * rs + p * cs]);
      for (int j = 0; j < NV; ++j) acc[i][j] = S::fmadd(ai, bv[j], acc[i][j]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NV; ++j) {
      float* yij = y + (r0 + i) * n + c0 + W * j;
      const typename S::Vec v = accumulate ? S::add(load(yij), acc[i][j]) : acc[i][j];
      if constexpr (kTail)
        S::store_part(yij, v, tail);
      else
        S::store(yij, v);
    }
}

// The last `left` (1 to MR - 1) rows from row r, in one tile of that many rows.
template <int MR, int NV, bool kTail>
inline void gemm_rows_last_rows(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n, index_t k,
                                bool accumulate, index_t r, index_t left, index_t c0, int tail) {
  if constexpr (MR > 0) {
    if (left == MR)
      gemm_rows_tile<MR, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail);
    else
      gemm_rows_last_rows<MR - 1, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, left, c0, tail);
  }
}

// Columns [c0, c0 + W NV) of all rows (or the partial tail): full tiles of MR rows, then one tile
// of the rest.
template <int NV, bool kTail = false>
inline void gemm_rows_columns(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n, index_t k,
                              bool accumulate, index_t rows, index_t c0, int tail = 0) {
  index_t r = 0;
  for (; r + kGemmRowsMR <= rows; r += kGemmRowsMR)
    gemm_rows_tile<kGemmRowsMR, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail);
  if (r < rows)
    gemm_rows_last_rows<kGemmRowsMR - 1, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, rows - r, c0, tail);
}

// The last `vectors` (1 to NV) full vectors of columns from column c0, in one pass.
template <int NV>
inline void gemm_rows_last_vectors(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n,
                                   index_t k, bool accumulate, index_t rows, index_t c0, index_t vectors) {
  if constexpr (NV > 0) {
    if (vectors == NV)
      gemm_rows_columns<NV>(y, a, rs, cs, b, n, k, accumulate, rows, c0);
    else
      gemm_rows_last_vectors<NV - 1>(y, a, rs, cs, b, n, k, accumulate, rows, c0, vectors);
  }
}

// y (rows, n) = or += a (rows, k; strides rs, cs) @ b (k, n); n at least 16.
inline void gemm_rows(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n, index_t k, bool accumulate, index_t rows) {
  constexpr index_t W = RowSimd::kWidth, NV = RowSimd::kVectors;
  index_t c0 = 0;
  for (; c0 + W * NV <= n; c0 += W * NV) gemm_rows_columns<NV>(y, a, rs, cs, b, n, k, accumulate, rows, c0);
  if ((n - c0) / W > 0) gemm_rows_last_vectors<NV - 1>(y, a, rs, cs, b, n, k, accumulate, rows, c0, (n - c0) / W);
  c0 = n / W * W;
  if (c0 < n) gemm_rows_columns<1, true>(y, a, rs, cs, b, n, k, accumulate, rows, c0, static_cast<int>(n - c0));
}

#else

inline void gemm_rows(float*, const float*, index_t, index_t, const float*, index_t, index_t, bool, index_t) {}

#endif

}  // namespace dg::kernels
