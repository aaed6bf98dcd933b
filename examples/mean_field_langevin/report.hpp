// The outputs of the mean_field_langevin experiment: the table printed at the end, the checks of
// --check, and the files (results.json, regression.csv, mmd.csv (objective per evaluation),
// objective.svg (objective vs evaluations), fits.svg (the learned function, the particles)).
#pragma once

#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/mean_field_langevin/evaluate.hpp"

namespace dg::mean_field_langevin {

// Everything measured: each objective with each algorithm.
struct Results {
  Algorithm under, over, under_mmd, over_mmd;
  Run reg_under, reg_over, mmd_under, mmd_over;
  Comparison reg_c, mmd_c;
  Tensor<double> xg;                      // (G, 1) the grid of the learned functions
  std::vector<double> f_under, f_over;    // (G) the networks of the final particles on it
  Tensor<double> mmd_target;              // (M, 2)
};

void print_table(const Results& r, std::int64_t evaluations, double gamma, double kT);

// The results the example exists to show: both algorithms decrease both objectives by a large
// factor, and the underdamped one ends at least as low as the overdamped one (within 50%).
// Which one gets there first depends on the steps and the friction (docs/experiments/
// mean_field_langevin.md): it is reported, not asserted.
std::vector<examples::Check> make_checks(const Results& r);

// The CSV and SVG files into `out` (ends with '/').
void write_files(const std::string& out, const Results& r, std::int64_t evaluations);

// results.json's body after examples::results_header: both objectives' measures, checks.
void add_results(io::Json& res, const Results& r, const std::vector<examples::Check>& checks);

}  // namespace dg::mean_field_langevin
