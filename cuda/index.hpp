// Index logic of the CUDA kernels as plain `DG_HD` functions: launch geometry, the broadcast map
// from an output element to an operand element, and the fixed-order walk over the output
// elements that sum into one element of a smaller (broadcast) operand. No CUDA header: the normal
// CPU build compiles this file and tests it (tests/cuda/index_test.cpp) against the CPU kernels
// of autodiff/kernels/broadcast.hpp.
#pragma once

#include <cstdint>

#include "autodiff/kernels/host_device.hpp"
#include "autodiff/shape.hpp"

namespace dg::cuda {

// ---- launch geometry --------------------------------------------------------------------------

inline constexpr int kThreads = 256;                     // threads per block
inline constexpr index_t kMaxBlocks = index_t(1) << 16;  // beyond this, threads loop (grid stride)

// Blocks for n elements at kThreads per block, at least 1, at most kMaxBlocks.
DG_HD inline index_t block_count(index_t n) {
  const index_t b = (n + kThreads - 1) / kThreads;
  return b < 1 ? 1 : (b > kMaxBlocks ? kMaxBlocks : b);
}
// The first element of a thread and the step between its elements (grid-stride loop): thread
// `thread` of block `block` in a grid of `blocks` blocks handles first, first + stride, ...
DG_HD inline index_t first_element(index_t block, index_t thread) { return block * kThreads + thread; }
DG_HD inline index_t element_stride(index_t blocks) { return blocks * kThreads; }

// ---- broadcasting -----------------------------------------------------------------------------

// The output grid padded to rank 3 (d0, d1, d2) and one operand's strides on it (0 along a
// broadcast dimension): output element i reads the operand at offset(i).
struct BroadcastMap {
  index_t d0 = 1, d1 = 1, d2 = 1;  // output dims
  index_t s0 = 0, s1 = 0, s2 = 0;  // operand strides
  DG_HD index_t offset(index_t i) const {
    const index_t r = i / d2, j = i - r * d2;
    return (r / d1) * s0 + (r % d1) * s1 + j * s2;
  }
  DG_HD index_t numel() const { return d0 * d1 * d2; }
};

// Operand of padded dims (x0, x1, x2) on the output grid (d0, d1, d2); x must broadcast to it.
DG_HD inline BroadcastMap broadcast_map(index_t x0, index_t x1, index_t x2, index_t d0, index_t d1, index_t d2) {
  BroadcastMap m;
  m.d0 = d0, m.d1 = d1, m.d2 = d2;
  m.s2 = (x2 == 1 && d2 != 1) ? 0 : 1;
  m.s1 = (x1 == 1 && d1 != 1) ? 0 : x2;
  m.s0 = (x0 == 1 && d0 != 1) ? 0 : x1 * x2;
  return m;
}
inline BroadcastMap broadcast_map(const Shape& x, const Shape& out) {
  return broadcast_map(x.from_right(2), x.from_right(1), x.from_right(0), out.from_right(2), out.from_right(1),
                       out.from_right(0));
}

// The output elements that sum into element t of a target x (broadcast to the output): a box
// [a0, a0 + na) x [b0, b0 + nb) x [c0, c0 + nc) of the output grid, walked in row-major order
// (the fixed order of every reduction: the same bits on every run).
struct ReduceBox {
  index_t a0, na, b0, nb, c0, nc;
  index_t d1, d2;  // output dims, for the flat index
  DG_HD index_t count() const { return na * nb * nc; }
  // The k-th output element of the box, 0 <= k < count(), in row-major order.
  DG_HD index_t element(index_t k) const {
    const index_t c = k % nc, rest = k / nc, b = rest % nb, a = rest / nb;
    return ((a0 + a) * d1 + (b0 + b)) * d2 + (c0 + c);
  }
};

// Target of padded dims (x0, x1, x2), broadcast to the output grid of `out` (from broadcast_map
// of the same target): the box of target element t.
DG_HD inline ReduceBox reduce_box(index_t t, index_t x0, index_t x1, index_t x2, const BroadcastMap& out) {
  const index_t t2 = t % x2, t1 = (t / x2) % x1, t0 = t / (x1 * x2);
  ReduceBox box;
  box.d1 = out.d1, box.d2 = out.d2;
  const bool wide0 = x0 == 1 && out.d0 != 1, wide1 = x1 == 1 && out.d1 != 1, wide2 = x2 == 1 && out.d2 != 1;
  box.a0 = wide0 ? 0 : t0, box.na = wide0 ? out.d0 : 1;
  box.b0 = wide1 ? 0 : t1, box.nb = wide1 ? out.d1 : 1;
  box.c0 = wide2 ? 0 : t2, box.nc = wide2 ? out.d2 : 1;
  return box;
}

// The padded dims of a target, passed to kernels by value.
struct Dims3 {
  index_t x0 = 1, x1 = 1, x2 = 1;
  DG_HD index_t numel() const { return x0 * x1 * x2; }
};
inline Dims3 dims3(const Shape& s) { return {s.from_right(2), s.from_right(1), s.from_right(0)}; }

}  // namespace dg::cuda
