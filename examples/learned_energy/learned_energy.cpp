// learned_energy: a network that learns a scalar energy U(x) from observed forces, through
// F = -dU/dx (gradients of gradients on the tape), conserves energy when simulated; a network of
// the same size that predicts the forces directly does not.
//
// The system: 4 unit masses in 2D joined by 6 springs (a square with its diagonals, rest
// lengths 1 and sqrt 2, stiffness 1), each tied to its corner by a tether (k = 0.5). Training data: positions and
// true forces along trajectories from random starts (velocity Verlet). Both models are MLPs
// 8 -> 64 -> 64 -> out with tanh, trained with Adam on the force error with the same steps,
// batches and learning rates: the energy model outputs U (forces = -grad U, the loss
// differentiated through that gradient), the direct model outputs the 8 force components.
// Each learned system (and the true one) is then run with velocity Verlet from a held-out start,
// and its energy recorded: the energy model's own energy U_theta + kinetic, and the true energy
// of every run. A second measure of "being a gradient": the work of the force on particle 0
// around small closed loops (zero for any gradient field).
//
// The parts: data.hpp (the true system, sampled forces), model.hpp, train.hpp, evaluate.hpp
// (force error, loop work, long runs, drift), report.hpp (table, checks, files).
//
//   learned_energy [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ...  (--help)
//
// Outputs in --out: results.json, training.csv, energy.csv, energy.svg, training.svg,
// trajectories.svg.
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/finish_run.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/run_main.hpp"
#include "examples/learned_energy/report.hpp"
#include "examples/learned_energy/train.hpp"

using namespace dg;
using namespace dg::learned_energy;

namespace {

int run(int argc, char** argv) {
  examples::Options opt("learned_energy",
                        "Learns an energy from forces (F = -dU/dx) and compares its energy conservation with a direct force model.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "learned_energy");
  int& train_runs = opt.add("train-runs", 4000, "training trajectories", 1, 100000);
  int& run_steps = opt.add("run-steps", 100, "steps of each training trajectory", 10, 10000000);
  int& steps = opt.add("steps", 8000, "training steps per model", 1, 100000000);
  int& batch = opt.add("batch", 256, "configurations per training step", 1, 1000000);
  int& hidden = opt.add("hidden", 64, "width of both MLPs", 1, 4096);
  double& lr = opt.add("lr", 1e-2, "peak Adam learning rate (warm-up, cosine decay)", 1e-8, 1.0);
  double& kT = opt.add("kT", 0.15, "temperature of the random starting velocities", 1e-6, 100.0);
  double& dt = opt.add("dt", 0.01, "time step of data and simulations", 1e-6, 1.0);
  std::int64_t& sim_steps = opt.add("sim-steps", std::int64_t{200000}, "steps of each long run", std::int64_t{100});
  opt.parse(argc, argv);
  if (so.quick) {  // smaller defaults; options given explicitly still win
    if (!opt.given("train-runs")) train_runs = 2000;
    if (!opt.given("steps")) steps = 2000;
    if (!opt.given("sim-steps")) sim_steps = 30000;
  }
  const auto start = std::chrono::steady_clock::now();
  if (batch > train_runs * (run_steps / 10))
    throw std::invalid_argument("--batch " + std::to_string(batch) + " is larger than the training set (" +
                                std::to_string(train_runs * (run_steps / 10)) + " configurations)");
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  const auto seed = static_cast<std::uint64_t>(so.seed);

  // Data: training and held-out trajectories (different random streams), and a held-out start.
  const physics::ForceModel system = true_system();
  Philox train_rng(seed, 1), test_rng(seed, 2), start_rng(seed, 3);
  const ForceData train_data = sample_forces(system, train_rng, train_runs, run_steps, 10, dt, kT);
  const ForceData test_data = sample_forces(system, test_rng, 50, run_steps, 10, dt, kT);
  const auto sim_start = random_start(start_rng, kT);
  std::printf("data: %lld training and %lld test configurations of 4 particles (springs and tethers)\n",
              static_cast<long long>(train_data.x.rows()), static_cast<long long>(test_data.x.rows()));

  // Train both models with the same budget.
  nn::ProgressLine progress(so.quiet);
  const int phases = 5;
  std::vector<std::unique_ptr<Model>> models;  // fixed addresses: the parameters are registered
  Results r;
  r.train_configurations = train_data.x.rows();
  r.test_configurations = test_data.x.rows();
  for (Kind kind : {Kind::Energy, Kind::Direct}) {
    Philox init_rng(seed, 10);  // the same initial hidden layers for both
    models.push_back(std::make_unique<Model>(kind, hidden, init_rng));
    const auto t0 = std::chrono::steady_clock::now();
    r.losses.push_back(train(*models.back(), train_data, {steps, batch, lr, seed + 7}, progress,
                             static_cast<int>(models.size()), phases));
    r.train_seconds.push_back(examples::seconds_since(t0));
  }

  // Long runs: the true system, the energy model, the direct model, from the same start.
  const int every = 10;
  r.runs.push_back(simulate("true", sim_start, system.accel_fn(), system, nullptr, dt, sim_steps, every, progress, 3, phases));
  r.runs.push_back(simulate("energy", sim_start, learned_accel(*models[0]), system, models[0].get(), dt, sim_steps, every,
                            progress, 4, phases));
  r.runs.push_back(simulate("direct", sim_start, learned_accel(*models[1]), system, nullptr, dt, sim_steps, every, progress,
                            5, phases));
  progress.finish();

  // Measures.
  r.e0 = r.runs[0].true_energy.front();
  for (const EnergyRun& run : r.runs) r.true_drift.push_back(measure_drift(run.true_energy, r.e0));
  r.own = measure_drift(r.runs[1].own_energy, r.e0);
  for (int m = 0; m < 2; ++m) {
    r.force_error[m] = relative_force_error(*models[m], test_data);
    r.loop_ratio[m] = loop_work_ratio(*models[m], test_data, 32, 64, 0.2);
  }
  const double seconds = examples::seconds_since(start);

  print_table(r, sim_steps, dt);
  const std::vector<examples::Check> checks = make_checks(r);
  return examples::finish_run(out, seconds, checks, so.check,
                              "results.json, training.csv, energy.csv, energy.svg, training.svg, trajectories.svg",
                              [&] {
                                write_files(out, r, dt, every);
                                io::Json results = examples::results_header(opt, so.seed, seconds);
                                add_results(results, r, checks);
                                return results;
                              });
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("learned_energy", [&] { return run(argc, argv); });
}
