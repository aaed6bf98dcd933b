// Loops over a broadcast output grid. The output is padded to rank 3 (d0, d1, d2) and seen as
// R = d0 * d1 rows of d2 columns; an operand reaches row r at offset row_offset(r) and steps
// s2 (1, or 0 when broadcast) along a row. `accumulate_rows` sums terms of the output grid
// into a smaller (broadcast) operand deterministically: rows that share a target are summed
// per fixed chunk of rows into partial buffers, and the partials are added in chunk order.
#pragma once

#include <algorithm>
#include <cstring>

#include "autodiff/arena.hpp"
#include "autodiff/parallel.hpp"
#include "autodiff/shape.hpp"

namespace dg::kernels {

struct BroadcastGrid {
  index_t d0, d1, d2;  // output padded to rank 3
  explicit BroadcastGrid(const Shape& out) : d0(out.from_right(2)), d1(out.from_right(1)), d2(out.from_right(0)) {}
  index_t rows() const { return d0 * d1; }
};

// How operand x (broadcastable to `out`) is walked on the output grid.
struct OperandStrides {
  index_t s0 = 0, s1 = 0, s2 = 0;
  OperandStrides(const Shape& x, const Shape& out) {
    const index_t x0 = x.from_right(2), x1 = x.from_right(1), x2 = x.from_right(0);
    s2 = (x2 == 1 && out.from_right(0) != 1) ? 0 : 1;
    s1 = (x1 == 1 && out.from_right(1) != 1) ? 0 : x2;
    s0 = (x0 == 1 && out.from_right(2) != 1) ? 0 : x1 * x2;
  }
  // r < d1 always holds for outputs of rank 2 or less: no division there.
  index_t row_offset(index_t r, index_t d1) const { return r < d1 ? r * s1 : (r / d1) * s0 + (r % d1) * s1; }
};

// y = f(a, b) over the broadcast grid of y's shape.
template <class T, class F>
void broadcast_binary(T* y, const T* a, const T* b, const Shape& sy, const Shape& sa, const Shape& sb, F f) {
  const index_t n = sy.numel();
  if (sa == sy && sb == sy) {
    parallel_for(n, n, [&](index_t lo, index_t hi) {
      for (index_t i = lo; i < hi; ++i) y[i] = f(a[i], b[i]);
    });
    return;
  }
  const BroadcastGrid g(sy);
  const OperandStrides A(sa, sy), B(sb, sy);
  parallel_for(g.rows(), n, [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r) {
      const T* pa = a + A.row_offset(r, g.d1);
      const T* pb = b + B.row_offset(r, g.d1);
      T* py = y + r * g.d2;
      if (A.s2 && B.s2) {
        for (index_t j = 0; j < g.d2; ++j) py[j] = f(pa[j], pb[j]);
      } else if (A.s2) {
        const T bv = *pb;
        for (index_t j = 0; j < g.d2; ++j) py[j] = f(pa[j], bv);
      } else if (B.s2) {
        const T av = *pa;
        for (index_t j = 0; j < g.d2; ++j) py[j] = f(av, pb[j]);
      } else {
        const T v = f(*pa, *pb);
        for (index_t j = 0; j < g.d2; ++j) py[j] = v;
      }
    }
  });
}

// For every output row r: add_row(r, dst, stride) adds that row's d2 terms into dst[j * stride].
// The destination is x (shape sx, broadcastable to sy), which must be initialised by the caller.
template <class T, class AddRow>
void accumulate_rows(T* x, const Shape& sx, const Shape& sy, Arena& arena, AddRow&& add_row) {
  const BroadcastGrid g(sy);
  const OperandStrides X(sx, sy);
  const index_t R = g.rows(), work = sy.numel();
  const bool rows_distinct = (X.s0 != 0 || g.d0 == 1) && (X.s1 != 0 || g.d1 == 1);
  if (rows_distinct) {  // each output row has its own target row: no conflicts
    parallel_for(R, work, [&](index_t lo, index_t hi) {
      for (index_t r = lo; r < hi; ++r) add_row(r, x + X.row_offset(r, g.d1), X.s2);
    });
    return;
  }
  // Rows share targets: fixed chunks of rows, one partial sum each, combined in order.
  const index_t nx = sx.numel();
  const index_t grain = std::max<index_t>(1, kParallelWork / std::max<index_t>(1, g.d2));
  const index_t chunks = chunk_count(R, grain);
  if (chunks == 1 || chunks * nx > (index_t(1) << 22)) {
    for (index_t r = 0; r < R; ++r) add_row(r, x + X.row_offset(r, g.d1), X.s2);
    return;
  }
  T* partial = arena.allocate_array<T>(static_cast<std::size_t>(chunks * nx));  // (chunks, nx)
  std::memset(partial, 0, sizeof(T) * static_cast<std::size_t>(chunks * nx));
  parallel_chunks(R, grain, work, [&](index_t c, index_t lo, index_t hi) {
    T* p = partial + c * nx;
    for (index_t r = lo; r < hi; ++r) add_row(r, p + X.row_offset(r, g.d1), X.s2);
  });
  for (index_t c = 0; c < chunks; ++c) {
    const T* p = partial + c * nx;
    for (index_t i = 0; i < nx; ++i) x[i] += p[i];
  }
}

// x += sum of y over the dimensions where x is broadcast (x's shape broadcasts to y's).
template <class T>
void sum_to_accumulate(T* x, const Shape& sx, const T* y, const Shape& sy, Arena& arena) {
  const index_t d2 = BroadcastGrid(sy).d2;
  accumulate_rows(x, sx, sy, arena, [&](index_t r, T* dst, index_t stride) {
    const T* py = y + r * d2;
    if (stride) for (index_t j = 0; j < d2; ++j) dst[j] += py[j];
    else { T s = dst[0]; for (index_t j = 0; j < d2; ++j) s += py[j]; dst[0] = s; }
  });
}

// y = x broadcast to y's shape.
template <class T>
void expand_forward(T* y, const Shape& sy, const T* x, const Shape& sx) {
  const BroadcastGrid g(sy);
  const OperandStrides X(sx, sy);
  parallel_for(g.rows(), sy.numel(), [&](index_t lo, index_t hi) {
    for (index_t r = lo; r < hi; ++r) {
      const T* px = x + X.row_offset(r, g.d1);
      T* py = y + r * g.d2;
      if (X.s2) std::copy(px, px + g.d2, py);
      else std::fill(py, py + g.d2, *px);
    }
  });
}

}  // namespace dg::kernels
