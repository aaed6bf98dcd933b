// Evaluation of the learned_energy models.
//
// Force error: root mean squared force error on held-out data, relative to the RMS force.
// Loop work: the work of the force on particle 0 around small closed loops (zero for any gradient
// field), relative to the integral of |F_0| |dx|.
// Long runs: velocity Verlet from a held-out start with the true or a learned force, recording the
// true energy (and the energy model's own energy U_theta + kinetic); the drift of a recorded energy.
#pragma once

#include <string>
#include <vector>

#include "examples/learned_energy/model.hpp"
#include "nn/progress.hpp"

namespace dg::learned_energy {

double relative_force_error(Model& model, const ForceData& test);

// Around a circle of radius r about particle 0's position, the other particles held (midpoint
// rule, `points` segments); averaged over the first `configs` test configurations. Zero for a
// gradient field (up to the quadrature error), so a non-zero value is the curl of the learned force.
double loop_work_ratio(Model& model, const ForceData& test, int configs, int points, double r);

// The energies recorded along one run, every `every` steps from t = 0.
struct EnergyRun {
  std::string name;
  std::vector<double> t, true_energy, own_energy;  // own: U_theta + kinetic (energy model only)
  std::vector<double> x0, y0;                      // particle 0's path (first frames)
  bool diverged = false;                           // stopped early: energy beyond 100x its start
};

// The model's forces as accelerations (unit masses) for the integrators.
physics::AccelFn learned_accel(Model& m);

// Velocity Verlet from `start` for `steps` steps of dt, with accelerations from `accel`;
// energy_model (may be null): records its own energy too.
EnergyRun simulate(const std::string& name, const integrators::State<Tensor<double>>& start, const physics::AccelFn& accel,
                   const physics::ForceModel& system, Model* energy_model, double dt, std::int64_t steps, int every,
                   nn::ProgressLine& progress, int phase, int phases);

// Relative measures of a recorded energy E(t), in units of the true starting energy e0 (> 0):
//   drift: |mean over the last tenth - mean over the first tenth| / e0 (a trend, not the wobble)
//   max:   max |E(t) - E(0)| / e0
struct Drift {
  double drift = 0, max = 0;
};
Drift measure_drift(const std::vector<double>& e, double e0);

}  // namespace dg::learned_energy
