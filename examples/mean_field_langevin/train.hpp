// The optimisation of the mean_field_langevin experiment (its "training"): the N-particle
// underdamped Langevin algorithm of Fu and Wilson (integrators/mean_field.hpp) or the overdamped,
// first-order one (mean-field Langevin dynamics, Euler-Maruyama), driven by the gradient of the
// first variation, -grad dF/dmu (mu_N)(x_i) = -N grad_{x_i} F(mu_N): one backward pass on the tape
// per step for all particles at once. Each step costs one gradient evaluation (plus one at the
// start); F (without the entropy term) is recorded at every evaluation.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "autodiff/ops.hpp"
#include "nn/progress.hpp"

namespace dg::mean_field_langevin {

// F(mu_N) on the tape, for the particles theta (N, D): a scalar.
using Functional = std::function<Var<double>(Tape<double>&, Var<double> theta)>;

struct Algorithm {
  bool underdamped;
  double dt, gamma, kT;  // gamma: friction (the overdamped algorithm uses 1)
};

struct Run {
  std::vector<double> objective;  // F(mu_N) at every gradient evaluation, the first at the start
  Tensor<double> final_particles;
};

// `evaluations` gradient evaluations of `alg` on F from `start` (at rest), noise from `seed`;
// phase / phases: the run's place on the progress line.
Run run(const Algorithm& alg, const Functional& F, const Tensor<double>& start, std::int64_t evaluations,
        std::uint64_t seed, nn::ProgressLine& progress, int phase, int phases);

}  // namespace dg::mean_field_langevin
