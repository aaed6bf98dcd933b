// nbody_orbits: pure simulation of gravitating bodies, to compare integrators by their energy
// error: symplectic schemes keep it bounded over long runs, RK4 and explicit Euler let it grow,
// and each scheme's error shrinks with the step at the rate of its order.
//
// Systems (G = 1):
//   figure eight  three unit masses on the Chenciner-Montgomery orbit (period T = 6.32591398),
//                 2D, no softening;
//   Plummer       N equal masses (total 1) drawn from a Plummer sphere in virial equilibrium
//                 (Aarseth, Henon and Wielen 1974; Henon units, E = -1/4), 3D, softened gravity.
// Runs: every scheme over many periods of the figure eight and over a stretch of the Plummer
// sphere, recording |E(t) - E(0)| / |E(0)|; the figure eight over one period at three step sizes
// (the order of each scheme); Yoshida4 over one period with a fine step (the orbit must close).
//
// The parts: data.hpp (the systems), evaluate.hpp (the runs and their measures), report.hpp
// (table, checks, files). No model or training: nothing is learned.
//
//   nbody_orbits [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ...  (--help)
//
// Outputs in --out: results.json, energy_figure8.csv, energy_plummer.csv, convergence.csv,
// orbit.csv, energy_figure8.svg, energy_plummer.svg, convergence.svg, orbit.svg.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/finish_run.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/run_main.hpp"
#include "examples/nbody_orbits/report.hpp"
#include "physics/diagnostics.hpp"

using namespace dg;
using namespace dg::nbody_orbits;

namespace {

int run(int argc, char** argv) {
  examples::Options opt("nbody_orbits",
                        "The figure-eight three-body orbit and a Plummer sphere with six integrators: energy error "
                        "over long runs and orders of convergence.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "nbody_orbits");
  int& periods = opt.add("periods", 1000, "figure-eight periods of the long runs", 1, 10000000);
  int& per_period = opt.add("steps-per-period", 500, "figure-eight steps per period in the long runs", 10, 100000000);
  std::int64_t& bodies = opt.add("bodies", std::int64_t{512}, "bodies of the Plummer sphere", std::int64_t{2}, std::int64_t{100000});
  double& plummer_time = opt.add("plummer-time", 20.0, "length of the Plummer runs (Henon time units)", 0.01, 1e6);
  double& plummer_dt = opt.add("plummer-dt", 0.01, "step of the Plummer runs", 1e-6, 1.0);
  double& softening = opt.add("softening", 0.05, "Plummer softening length", 0.0, 10.0);
  opt.parse(argc, argv);
  if (so.quick) {
    if (!opt.given("periods")) periods = 100;
    if (!opt.given("bodies")) bodies = 256;
    if (!opt.given("plummer-time")) plummer_time = 5;
  }
  const auto start = std::chrono::steady_clock::now();
  if (softening == 0) throw std::invalid_argument("--softening: must be > 0 (a Plummer sphere has close encounters)");
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  nn::ProgressLine progress(so.quiet);
  const int phases = 4;
  Results r;
  // 1. The figure eight, one period with Yoshida4 and a fine step: the orbit closes.
  const System eight = figure_eight();
  r.closed = closed_orbit(eight, 2000, progress, 1, phases);
  // 2. Orders: the largest energy error over one period at 3 step sizes (halving).
  r.orders = orders(eight, progress, 2, phases);
  // 3. Long runs of the figure eight, and 4. of the Plummer sphere.
  const std::int64_t long_steps = std::int64_t{periods} * per_period;
  r.eight_runs = long_runs(eight, kPeriod / per_period, long_steps, std::max(1, per_period / 10), progress, 3, phases);
  const System sphere = plummer(bodies, softening, static_cast<std::uint64_t>(so.seed));
  r.kinetic = physics::kinetic_energy(sphere.v0, sphere.mass);
  r.potential = sphere.model.potential_energy(sphere.q0);
  const auto plummer_steps = static_cast<std::int64_t>(std::llround(plummer_time / plummer_dt));
  r.plummer_runs = long_runs(sphere, plummer_dt, plummer_steps, std::max<std::int64_t>(1, std::llround(0.05 / plummer_dt)),
                             progress, 4, phases);
  progress.finish();
  const double seconds = examples::seconds_since(start);

  const RunShape shape{periods, per_period, bodies, softening, plummer_time, plummer_dt};
  print_table(r, shape);
  const std::vector<examples::Check> checks = make_checks(r);
  return examples::finish_run(out, seconds, checks, so.check,
                              "results.json, energy_*.csv, convergence.csv, orbit.csv and the SVG plots", [&] {
                                write_files(out, r, shape, eight);
                                io::Json results = examples::results_header(opt, so.seed, seconds);
                                add_results(results, r, shape, checks);
                                return results;
                              });
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("nbody_orbits", [&] { return run(argc, argv); });
}
