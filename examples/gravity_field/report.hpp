// The outputs of the gravity_field experiment: the table printed at the end, the checks of
// --check, and the files (results.json, training.csv, forecast.csv, training.svg, forecast.svg,
// field.svg).
#pragma once

#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/gravity_field/evaluate.hpp"

namespace dg::gravity_field {

// Everything measured.
struct Results {
  std::vector<double> loss_field, loss_plain;            // (steps) training losses
  std::vector<double> err_field, err_plain, err_const;   // (horizon) forecast errors; const: constant velocity
  FieldRecovery recovery;
  FieldPlane plane;
};

void print_table(const Results& r, std::int64_t horizon);

// The result the example exists to show: the field model forecasts clearly better than the same
// model without the field, and its field points towards the hidden heavy mass.
std::vector<examples::Check> make_checks(const Results& r);

// The CSV and SVG files into `out` (ends with '/').
void write_files(const std::string& out, const Results& r, std::int64_t observed);

// results.json's body after examples::results_header: forecast errors, final losses, cosine, checks.
void add_results(io::Json& res, const Results& r, const std::vector<examples::Check>& checks);

}  // namespace dg::gravity_field
