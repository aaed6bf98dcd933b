// Sums over segments without atomics: the rows e with index[e] == r form segment r, listed in
// increasing e (a stable counting sort; for an already sorted index, `order` is the identity).
// A kernel thread owns one (segment, column) and adds its rows in that fixed order, so a
// scatter-add (and the backward of a gather) gives the same bits on every run, in the same order
// as the CPU kernel (autodiff/kernels/rows.hpp). The lists are built on the host, where the tape
// keeps the indices, and copied to the device with the op's other inputs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autodiff/kernels/host_device.hpp"
#include "autodiff/shape.hpp"

namespace dg::cuda {

// CSR form of an index: the rows of segment r are order[start[r]] .. order[start[r + 1] - 1].
struct Segments {
  std::vector<std::int32_t> start;  // (R + 1)
  std::vector<std::int32_t> order;  // (E)
};

// Segments of `index` (values in [0, num_segments)); throws ShapeError naming `op` otherwise.
Segments build_segments(const char* op, std::span<const std::int32_t> index, index_t num_segments);

// The same lists as raw (device or host) pointers, as a kernel takes them.
struct SegmentsView {
  const std::int32_t* start = nullptr;  // (R + 1)
  const std::int32_t* order = nullptr;  // (E)
  index_t segments = 0;                 // R
};

// y[r, c] (+)= sum over the rows e of segment r of x[e, c], in segment order. x is (E, C), y (R, C).
template <class T>
DG_HD inline void segment_sum_element(T* y, const T* x, SegmentsView s, index_t C, index_t element, bool accumulate) {
  const index_t r = element / C, c = element - r * C;
  T sum = accumulate ? y[element] : T(0);
  for (std::int32_t k = s.start[r]; k < s.start[r + 1]; ++k) sum += x[static_cast<index_t>(s.order[k]) * C + c];
  y[element] = sum;
}

}  // namespace dg::cuda
