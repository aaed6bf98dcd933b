// The outputs of the langevin_sampling experiment: the table printed at the end, the checks of
// --check, and the files (results.json, sweep_<target>.csv, histogram_<target>.csv, tv_vs_dt.svg,
// x2_error_vs_dt.svg, histograms.svg).
#pragma once

#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/langevin_sampling/evaluate.hpp"

namespace dg::langevin_sampling {

void print_table(const std::vector<Target>& targets, const std::vector<double>& dts, const Sweep& results,
                 std::int64_t particles, double sample_time);

// For each target at the largest step size where both BAOAB and Euler-Maruyama stay finite
// (Euler-Maruyama diverges first): BAOAB's error in <|x|^2> is smaller than Euler-Maruyama's by
// more than 3 combined standard errors, and so is its TV distance.
std::vector<examples::Check> make_checks(const std::vector<Target>& targets, const std::vector<double>& dts,
                                         const Sweep& results);

// The CSV and SVG files into `out` (ends with '/'); returns results.json's "targets" object.
io::Json write_files(const std::string& out, const std::vector<Target>& targets, const std::vector<double>& dts,
                     const Sweep& results);

}  // namespace dg::langevin_sampling
