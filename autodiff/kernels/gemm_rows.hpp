// An AVX-512 float32 kernel for the narrow matrix products of these models (16 to a few hundred
// output columns): y (rows, n) = or += a (rows, k) @ b (k, n), n at least 16. b and y are
// row-major with leading dimension n; a(r, p) is read at a[r * rs + p * cs], so a can be a
// row-major block (rs = its leading dimension, cs = 1) or a transposed one (rs = 1, cs = its
// leading dimension: the weight gradient x^T g).
// Compiled only where AVX-512 is enabled (-Dnative=true on such a CPU); elsewhere matmul.hpp
// uses Eigen for everything.
//
// Tile: MR rows of y by NV vectors of 16 floats, MR x NV accumulators held in registers (the last
// 1-15 columns, when n is not a multiple of 16, in one vector with masked loads and stores). For each
// p in [0, k) the tile adds a[r, p] * b[p, c0 : c0 + 16 NV] to every row r: NV loads of b, MR
// broadcasts of a and MR x NV fused multiply-adds. MR = 6, NV = 4: 24 accumulators + 4 vectors
// of b = 28 of the 32 registers. No packing: b is read in place (k x n floats, 16 KiB for 64 x 64,
// stays in L1 while the tiles walk down the rows of a).
//
// Every element of y is one fused multiply-add chain over p = 0, 1, ..., k - 1, whatever the
// tile, the block of rows or the thread: results do not depend on how rows are split.
#pragma once

#include "autodiff/shape.hpp"

#if defined(__AVX512F__)
#include <immintrin.h>
#define DG_HAVE_GEMM_ROWS 1
#else
#define DG_HAVE_GEMM_ROWS 0
#endif

namespace dg::kernels {

// True when gemm_rows can compute a product with n output columns.
inline bool gemm_rows_applies(index_t n) { return DG_HAVE_GEMM_ROWS && n >= 16; }

#if DG_HAVE_GEMM_ROWS

inline constexpr index_t kGemmRowsMR = 6;  // rows per full tile

// One tile: rows [r0, r0 + MR) and columns [c0, c0 + 16 NV) of y; with kTail (NV = 1) only the
// columns of `tail` (the last n % 16).
template <int MR, int NV, bool kTail = false>
inline void gemm_rows_tile(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n, index_t k, bool accumulate,
                           index_t r0, index_t c0, __mmask16 tail = 0xFFFF) {
  static_assert(!kTail || NV == 1, "a tail tile is one vector wide");
  auto load = [&](const float* p) { return kTail ? _mm512_maskz_loadu_ps(tail, p) : _mm512_loadu_ps(p); };
  __m512 acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NV; ++j) acc[i][j] = _mm512_setzero_ps();
  for (index_t p = 0; p < k; ++p) {
    __m512 bv[NV];  // b[p, c0 + 16 j : c0 + 16 (j + 1)]
    for (int j = 0; j < NV; ++j) bv[j] = load(b + p * n + c0 + 16 * j);
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(a[(r0 + i) * rs + p * cs]);
      for (int j = 0; j < NV; ++j) acc[i][j] = _mm512_fmadd_ps(ai, bv[j], acc[i][j]);
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NV; ++j) {
      float* yij = y + (r0 + i) * n + c0 + 16 * j;
      const __m512 v = accumulate ? _mm512_add_ps(load(yij), acc[i][j]) : acc[i][j];
      if constexpr (kTail) _mm512_mask_storeu_ps(yij, tail, v);
      else _mm512_storeu_ps(yij, v);
    }
}

// Columns [c0, c0 + 16 NV) of all rows (or the masked tail): full tiles of MR rows, then one tile
// of the rest.
template <int NV, bool kTail = false>
inline void gemm_rows_columns(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n, index_t k, bool accumulate,
                              index_t rows, index_t c0, __mmask16 tail = 0xFFFF) {
  index_t r = 0;
  for (; r + kGemmRowsMR <= rows; r += kGemmRowsMR)
    gemm_rows_tile<kGemmRowsMR, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail);
  switch (rows - r) {  // the last 1 to 5 rows in one smaller tile
    case 5: gemm_rows_tile<5, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail); break;
    case 4: gemm_rows_tile<4, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail); break;
    case 3: gemm_rows_tile<3, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail); break;
    case 2: gemm_rows_tile<2, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail); break;
    case 1: gemm_rows_tile<1, NV, kTail>(y, a, rs, cs, b, n, k, accumulate, r, c0, tail); break;
    default: break;
  }
}

// y (rows, n) = or += a (rows, k; strides rs, cs) @ b (k, n); n at least 16.
inline void gemm_rows(float* y, const float* a, index_t rs, index_t cs, const float* b, index_t n, index_t k, bool accumulate, index_t rows) {
  index_t c0 = 0;
  for (; c0 + 64 <= n; c0 += 64) gemm_rows_columns<4>(y, a, rs, cs, b, n, k, accumulate, rows, c0);
  switch ((n - c0) / 16) {
    case 3: gemm_rows_columns<3>(y, a, rs, cs, b, n, k, accumulate, rows, c0); break;
    case 2: gemm_rows_columns<2>(y, a, rs, cs, b, n, k, accumulate, rows, c0); break;
    case 1: gemm_rows_columns<1>(y, a, rs, cs, b, n, k, accumulate, rows, c0); break;
    default: break;
  }
  c0 = n / 16 * 16;
  if (c0 < n)
    gemm_rows_columns<1, true>(y, a, rs, cs, b, n, k, accumulate, rows, c0, static_cast<__mmask16>((1u << (n - c0)) - 1));
}

#else

inline void gemm_rows(float*, const float*, index_t, index_t, const float*, index_t, index_t, bool, index_t) {}

#endif

}  // namespace dg::kernels
