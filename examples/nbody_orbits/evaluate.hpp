// The runs of the nbody_orbits experiment and their measures: six integrators (four symplectic,
// RK4, explicit Euler) run from a system's start, recording the relative energy error
// |E(t) - E(0)| / |E(0)|; whether that error stays bounded (growth), how it falls with the step
// (order), and whether the figure eight closes after one period.
#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "examples/nbody_orbits/data.hpp"
#include "integrators/integrators.hpp"
#include "nn/progress.hpp"

namespace dg::nbody_orbits {

using Scheme = std::variant<integrators::SymplecticEuler, integrators::VelocityVerlet, integrators::Yoshida4,
                            integrators::PEFRL, integrators::RK4, integrators::ExplicitEuler>;
constexpr int kSchemes = 6;
constexpr const char* kNames[kSchemes] = {"symplectic_euler", "velocity_verlet", "yoshida4", "pefrl", "rk4", "explicit_euler"};
constexpr double kOrder[kSchemes] = {1, 2, 4, 4, 4, 1};
constexpr bool kSymplectic[kSchemes] = {true, true, true, true, false, false};
constexpr int kYoshida = 2;

Scheme make_scheme(int k, double dt);  // k: an index into kNames

struct EnergyTrace {
  std::vector<double> t, error;  // |E(t) - E(0)| / |E(0)|
  bool diverged = false;         // stopped: error above 1, or a NaN
  Tensor<double> q, v;           // the final state
};

using Observer = std::function<void(const integrators::State<Tensor<double>>&)>;

// `steps` steps of `scheme` from the system's start; the energy error every `every` steps (and
// after the last); observe(state) after every step.
EnergyTrace run(const Scheme& scheme, const System& sys, std::int64_t steps, std::int64_t every, const Observer& observe);

// Largest error over the first and over the last fifth of a trace: their ratio tells a bounded
// error (about 1) from a growing one. A diverged run counts as growing without bound.
double growth(const EnergyTrace& tr);
double max_error(const EnergyTrace& tr);

// The figure eight over one period with Yoshida4 and `fine` steps: how far the orbit is from
// closing, and the path (every 5th step) for the picture.
struct ClosedOrbit {
  std::int64_t steps = 0;
  double return_q = 0, return_v = 0;  // max |q(T) - q(0)|, max |v(T) - v(0)|
  std::vector<double> t, q;           // (K), (K, 6) positions of the three bodies
};
ClosedOrbit closed_orbit(const System& eight, std::int64_t fine, nn::ProgressLine& progress, int phase, int phases);

// The largest energy error over one period of the figure eight at 3 step sizes (halving), and
// each scheme's order: the slope over a factor 4 in dt.
struct Orders {
  static constexpr std::int64_t steps[3] = {250, 500, 1000};
  double error[kSchemes][3] = {}, order[kSchemes] = {};
};
Orders orders(const System& eight, nn::ProgressLine& progress, int phase, int phases);

// Every scheme over `steps` steps of dt from the system's start, the energy error every `every` steps.
std::vector<EnergyTrace> long_runs(const System& sys, double dt, std::int64_t steps, std::int64_t every,
                                   nn::ProgressLine& progress, int phase, int phases);

}  // namespace dg::nbody_orbits
