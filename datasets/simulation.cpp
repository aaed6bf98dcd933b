// Initial-condition draws shared by the generators (see simulation.hpp).
#include "datasets/simulation.hpp"

#include <cmath>

namespace dg::datasets {

Tensor<double> draw_signs(Philox& rng, index_t n, double magnitude) {
  Tensor<double> out(Shape{n});
  for (index_t i = 0; i < n; ++i) out[i] = rng.uniform01() < 0.5 ? magnitude : -magnitude;
  return out;
}

Tensor<double> draw_normal(Philox& rng, index_t n, int d, double std) {
  Tensor<double> out(Shape{n, d});
  for (index_t i = 0; i < out.numel(); ++i) out[i] = std * rng.normal();
  return out;
}

Tensor<double> draw_uniform(Philox& rng, index_t n, int d, double lo, double hi) {
  Tensor<double> out(Shape{n, d});
  for (index_t i = 0; i < out.numel(); ++i) out[i] = rng.uniform(lo, hi);
  return out;
}

Tensor<double> draw_directions(Philox& rng, index_t n, int d, double speed) {
  Tensor<double> out = draw_normal(rng, n, d, 1.0);
  for (index_t i = 0; i < n; ++i) {
    double norm2 = 0;
    for (int k = 0; k < d; ++k) norm2 += out(i, k) * out(i, k);
    // A draw of exactly zero in every component cannot come out of Box-Muller in practice;
    // it would get the first axis rather than a division by zero.
    const double scale = norm2 > 0 ? speed / std::sqrt(norm2) : 0.0;
    for (int k = 0; k < d; ++k) out(i, k) *= scale;
    if (norm2 == 0) out(i, 0) = speed;
  }
  return out;
}

}  // namespace dg::datasets
