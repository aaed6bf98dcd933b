// The regression samples, the MMD target and the initial particles (data.hpp).
#include "examples/mean_field_langevin/data.hpp"

#include <cmath>

#include "autodiff/random.hpp"

namespace dg::mean_field_langevin {

double target_function(double x) { return std::sin(2 * x) + 0.3 * x; }

MeanFieldData make_data(index_t samples, index_t neurons, index_t mmd_target, index_t mmd_particles, std::uint64_t seed) {
  MeanFieldData d{Tensor<double>(Shape{samples, 1}), Tensor<double>(Shape{samples, 1}), Tensor<double>(Shape{neurons, 3}),
                  Tensor<double>(Shape{mmd_target, 2}), Tensor<double>(Shape{mmd_particles, 2})};
  Philox data_rng(seed, 1), init_rng(seed, 2), target_rng(seed, 3), mmd_rng(seed, 4);
  for (index_t i = 0; i < samples; ++i) {
    d.x[i] = data_rng.uniform(-2, 2);
    d.y[i] = target_function(d.x[i]);
  }
  for (index_t i = 0; i < d.theta0.numel(); ++i) d.theta0[i] = init_rng.normal();
  for (index_t i = 0; i < mmd_target; ++i) {
    const index_t c = i % 4;
    d.target(i, 0) = (c % 2 ? 1.5 : -1.5) + 0.3 * target_rng.normal();
    d.target(i, 1) = (c / 2 ? 1.5 : -1.5) + 0.3 * target_rng.normal();
  }
  for (index_t i = 0; i < d.x0.numel(); ++i) d.x0[i] = 0.5 * mmd_rng.normal();
  return d;
}

}  // namespace dg::mean_field_langevin
