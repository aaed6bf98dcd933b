// The outputs of the learned_energy experiment: the table printed at the end, the checks of
// --check, and the files (results.json, training.csv, energy.csv, energy.svg, training.svg,
// trajectories.svg).
#pragma once

#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/learned_energy/evaluate.hpp"

namespace dg::learned_energy {

// Everything measured. Models in the order energy, direct; runs in the order true, energy, direct.
struct Results {
  std::vector<std::vector<double>> losses;  // per model: the loss of every training step
  std::vector<double> train_seconds;        // per model
  std::vector<EnergyRun> runs;
  double e0 = 0;                            // the true starting energy
  std::vector<Drift> true_drift;            // per run
  Drift own;                                // the energy model's own energy
  double force_error[2] = {0, 0}, loop_ratio[2] = {0, 0};
  index_t train_configurations = 0, test_configurations = 0;
};

void print_table(const Results& r, std::int64_t sim_steps, double dt);

// The result the example exists to show: the direct model drifts at least 10x more than the
// energy model's own energy moves, and more than the energy model's true energy; both
// models learned the forces (so the comparison is between two working models).
std::vector<examples::Check> make_checks(const Results& r);

// The CSV and SVG files into `out` (ends with '/'); `every`: steps between recorded energies.
void write_files(const std::string& out, const Results& r, double dt, int every);

// results.json's body after examples::results_header: configurations, energies, runs, checks.
void add_results(io::Json& res, const Results& r, const std::vector<examples::Check>& checks);

}  // namespace dg::learned_energy
