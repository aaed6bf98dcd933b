// frame_rows (frame_rows.hpp).
#include "examples/common/frame_rows.hpp"

#include <cstddef>

namespace dg::examples {

Tensor<float> frame_rows(const std::vector<double>& values, const datasets::Trajectories& t, std::int64_t first,
                         std::int64_t count, std::int64_t frame) {
  Tensor<float> out(Shape{count * t.particles, t.dim});  // (count*N, d)
  const std::size_t row = static_cast<std::size_t>(t.particles * t.dim);
  for (std::int64_t s = 0; s < count; ++s) {
    const double* src = values.data() + t.frame_offset(first + s, frame);
    for (std::size_t k = 0; k < row; ++k)
      out.data()[static_cast<std::size_t>(s) * row + k] = static_cast<float>(src[k]);
  }
  return out;
}

}  // namespace dg::examples
