// The outputs of the nbody_orbits experiment: the table printed at the end, the checks of
// --check, and the files (results.json, energy_figure8.csv, energy_plummer.csv, convergence.csv,
// orbit.csv, energy_figure8.svg, energy_plummer.svg, convergence.svg, orbit.svg).
#pragma once

#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/nbody_orbits/evaluate.hpp"

namespace dg::nbody_orbits {

// Everything measured.
struct Results {
  ClosedOrbit closed;
  Orders orders;
  std::vector<EnergyTrace> eight_runs, plummer_runs;  // (kSchemes) each
  double kinetic = 0, potential = 0;                  // of the Plummer sphere's start
};

// What the table and the files say about the run.
struct RunShape {
  int periods, per_period;
  std::int64_t bodies;
  double softening, plummer_time, plummer_dt;
};

void print_table(const Results& r, const RunShape& shape);

// The orbit closes; on the figure eight the symplectic schemes' error stays bounded and RK4's
// and explicit Euler's grow; every scheme's energy error falls with dt at least at the rate of
// its order (less 0.5: explicit Euler is not yet asymptotic at these steps; RK4's energy error
// falls faster than dt^4 on this orbit, about as dt^5).
std::vector<examples::Check> make_checks(const Results& r);

// The CSV and SVG files into `out` (ends with '/'); eight: the figure eight (its start is marked).
void write_files(const std::string& out, const Results& r, const RunShape& shape, const System& eight);

// results.json's body after examples::results_header: figure eight, Plummer, schemes, checks.
void add_results(io::Json& res, const Results& r, const RunShape& shape, const std::vector<examples::Check>& checks);

}  // namespace dg::nbody_orbits
