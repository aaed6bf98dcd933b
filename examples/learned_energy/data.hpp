// The true system of the learned_energy experiment and its training data: 4 unit masses in 2D
// joined by 6 springs (a square with its diagonals, rest lengths 1 and sqrt 2, stiffness 1), each
// tied to its corner by a tether (k = 0.5); positions and true forces sampled along trajectories
// from random starts (velocity Verlet).
#pragma once

#include "autodiff/random.hpp"
#include "integrators/integrators.hpp"
#include "physics/force_model.hpp"

namespace dg::learned_energy {

constexpr index_t kN = 4, kD = 2, kDof = kN * kD;  // particles, dimensions, inputs of the models

physics::ForceModel true_system();

// A random start: each particle at its corner moved by N(0, 0.1^2) per coordinate, velocities
// N(0, kT).
integrators::State<Tensor<double>> random_start(Philox& rng, double kT);

// Positions (M, 8) and true forces (M, 8).
struct ForceData {
  Tensor<double> x, f;
};

// Samples every `every` steps of `steps` along `trajectories` runs of step dt from random starts.
ForceData sample_forces(const physics::ForceModel& system, Philox& rng, int trajectories, int steps, int every,
                        double dt, double kT);

}  // namespace dg::learned_energy
