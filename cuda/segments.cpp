// Building the segment lists of an index (a stable counting sort), checked.
#include "cuda/segments.hpp"

#include <string>

namespace dg::cuda {

Segments build_segments(const char* op, std::span<const std::int32_t> index, index_t num_segments) {
  if (num_segments < 0) throw ShapeError(std::string(op) + ": negative number of segments");
  check_index(op, index, num_segments);
  Segments s;
  s.start.assign(static_cast<std::size_t>(num_segments + 1), 0);
  s.order.resize(index.size());
  for (std::int32_t r : index) ++s.start[static_cast<std::size_t>(r) + 1];
  for (index_t r = 0; r < num_segments; ++r) s.start[r + 1] += s.start[r];
  std::vector<std::int32_t> fill(s.start.begin(), s.start.end() - 1);  // (R) next free slot per segment
  for (std::size_t e = 0; e < index.size(); ++e)
    s.order[static_cast<std::size_t>(fill[index[e]]++)] = static_cast<std::int32_t>(e);
  return s;
}

}  // namespace dg::cuda
