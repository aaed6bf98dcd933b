// The data of the gravity_field experiment: Aether's gravitational set (datasets/), five unit
// masses in 3D around one heavy fixed mass per simulation that is never observed, generated in
// memory; with the observed accelerations as finite differences and the hidden heavy masses (the
// ground truth of the field, used only for evaluation).
#pragma once

#include <cstdint>
#include <vector>

#include "autodiff/tensor.hpp"
#include "datasets/trajectories.hpp"

namespace dg::gravity_field {

constexpr index_t kD = 3;

// One split with the observed accelerations a(s, t, i) = (v(t+1) - v(t)) / dt_frame at the
// midpoints m(s, t, i) = (x(t) + x(t+1)) / 2, t = 0 .. F-2, and the hidden heavy mass.
struct Split {
  datasets::Trajectories traj;
  std::vector<double> mid, acc;  // (S, F-1, N, d)
  std::vector<double> heavy;     // (S, d)
  std::int64_t pairs() const { return traj.frames - 1; }
  std::size_t at(std::int64_t s, std::int64_t t, std::int64_t i) const {
    return static_cast<std::size_t>(((s * pairs() + t) * traj.particles + i) * kD);
  }
};

struct GravityData {
  Split train, test;
  double GM = 0, eps = 0;  // G times the heavy mass, and the softening: its true field
};

// `train` and `test` simulations of the default gravitational parameters with `seed`. Throws
// std::invalid_argument when observed + horizon frames exceed the simulations' frames or the
// parameters have more than one heavy mass, DatasetError for data not in 3D.
GravityData load_gravity(std::int64_t train, std::int64_t test, std::int64_t seed, std::int64_t observed,
                         std::int64_t horizon);

}  // namespace dg::gravity_field
