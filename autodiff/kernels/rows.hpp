// Row kernels: gather and scatter-add of rows by index, copies of column/row blocks, and
// row-wise dot products and norms. Scatter-add is deterministic: each destination row sums its
// sources in increasing source order, serially or (for large inputs) in parallel over
// destination rows, after a counting sort of the indices unless they are already sorted.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "autodiff/arena.hpp"
#include "autodiff/parallel.hpp"

namespace dg::kernels {

// dst[0, width) = src[0, width): a plain loop for short rows (a call to memcpy per row of one to a
// few elements costs more than the copy), memcpy for long ones.
template <class T>
inline void copy_row(T* dst, const T* src, index_t width) {
  if (width < 16)
    for (index_t c = 0; c < width; ++c) dst[c] = src[c];
  else
    std::memcpy(dst, src, sizeof(T) * static_cast<std::size_t>(width));
}

// y (E, C) = x[index[e]] (R, C).
template <class T>
void gather_rows(T* y, const T* x, const std::int32_t* index, index_t E, index_t C) {
  parallel_for(E, E * C, [&](index_t lo, index_t hi) {
    for (index_t e = lo; e < hi; ++e) copy_row(y + e * C, x + index[e] * C, C);
  });
}

// y (R, C) += x (E, C) added into rows index[e].
template <class T>
void scatter_add_rows(T* y, const T* x, const std::int32_t* index, index_t E, index_t C, index_t R, Arena& arena) {
  if (E * C < kParallelWork || R < 2) {
    for (index_t e = 0; e < E; ++e) {
      T* dst = y + index[e] * C;
      const T* src = x + e * C;
      for (index_t c = 0; c < C; ++c) dst[c] += src[c];
    }
    return;
  }
  // A sorted index (the receivers of a batch of graphs): the sources of each row are one contiguous
  // run, found by binary search at the start of each chunk; no sort, no serial pass but the check.
  if (std::is_sorted(index, index + E)) {
    parallel_for(R, E * C, [&](index_t lo, index_t hi) {
      index_t s = std::lower_bound(index, index + E, static_cast<std::int32_t>(lo)) - index;
      for (index_t r = lo; r < hi; ++r) {
        T* dst = y + r * C;
        for (; s < E && index[s] == r; ++s) {
          const T* src = x + s * C;
          for (index_t c = 0; c < C; ++c) dst[c] += src[c];
        }
      }
    });
    return;
  }
  // Counting sort: start[r] .. start[r + 1] lists the sources of row r in increasing order.
  std::int32_t* start = arena.allocate_array<std::int32_t>(static_cast<std::size_t>(R + 1));  // (R + 1)
  std::int32_t* order = arena.allocate_array<std::int32_t>(static_cast<std::size_t>(E));      // (E)
  std::memset(start, 0, sizeof(std::int32_t) * static_cast<std::size_t>(R + 1));
  for (index_t e = 0; e < E; ++e) ++start[index[e] + 1];
  for (index_t r = 0; r < R; ++r) start[r + 1] += start[r];
  std::int32_t* fill = arena.allocate_array<std::int32_t>(static_cast<std::size_t>(R));  // (R)
  std::memcpy(fill, start, sizeof(std::int32_t) * static_cast<std::size_t>(R));
  for (index_t e = 0; e < E; ++e) order[fill[index[e]]++] = static_cast<std::int32_t>(e);
  parallel_for(R, E * C, [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r) {
      T* dst = y + r * C;
      for (std::int32_t s = start[r]; s < start[r + 1]; ++s) {
        const T* src = x + static_cast<index_t>(order[s]) * C;
        for (index_t c = 0; c < C; ++c) dst[c] += src[c];
      }
    }
  });
}

// Copies a (rows, width) block between matrices with different row strides.
template <class T>
void copy_block(T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows, index_t width) {
  parallel_for(rows, rows * width, [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r) copy_row(dst + r * dst_stride, src + r * src_stride, width);
  });
}

// Adds a (rows, width) block: dst += src.
template <class T>
void add_block(T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows, index_t width) {
  parallel_for(rows, rows * width, [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r)
      for (index_t c = 0; c < width; ++c) dst[r * dst_stride + c] += src[r * src_stride + c];
  });
}

// y (R) = sum_c a[r, c] * b[r, c].
template <class T>
void row_dot(T* y, const T* a, const T* b, index_t R, index_t C) {
  parallel_for(R, R * C, [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r) {
      T s = 0;
      for (index_t c = 0; c < C; ++c) s += a[r * C + c] * b[r * C + c];
      y[r] = s;
    }
  });
}

// y (R) = sqrt(sum_c x[r, c]^2).
template <class T>
void row_norm(T* y, const T* x, index_t R, index_t C) {
  row_dot(y, x, x, R, C);
  for (index_t r = 0; r < R; ++r) y[r] = std::sqrt(y[r]);
}

}  // namespace dg::kernels
