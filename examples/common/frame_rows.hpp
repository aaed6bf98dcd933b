// One frame of several simulations as the float rows a model reads: the start state of the
// forecasts of the rollout-trained experiments (field_discovery, gravity_field, lorentz_field).
#pragma once

#include <cstdint>
#include <vector>

#include "autodiff/tensor.hpp"
#include "datasets/trajectories.hpp"

namespace dg::examples {

// Frame `frame` of simulations [first, first + count) of `values` (t.positions or t.velocities)
// as one (count * N, d) float tensor, simulation after simulation.
Tensor<float> frame_rows(const std::vector<double>& values, const datasets::Trajectories& t, std::int64_t first,
                         std::int64_t count, std::int64_t frame);

}  // namespace dg::examples
