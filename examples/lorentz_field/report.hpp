// The outputs of the lorentz_field experiment: the table printed at the end, the checks of
// --check, and the files (results.json, forecast_metrics.csv, training.svg; the training curves
// training_<model>.csv and checkpoints checkpoint_<model>.npz are written by train.cpp).
#pragma once

#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/lorentz_field/evaluate.hpp"
#include "examples/lorentz_field/train.hpp"

namespace dg::lorentz_field {

struct ModelResult {
  ModelKind kind = ModelKind::Field;
  std::string description;
  index_t parameters = 0;
  TrainRecord training = {};
  Forecast forecast = {};
  bool has_field = false;
  FieldRecovery field = {};  // when has_field
};

// The paper's measures at forecast steps `steps` (1-based) for every model, then the field.
void print_table(const std::vector<ModelResult>& results, const std::vector<int>& steps, const LorentzData& data);

// Required: every forecast finite. Targets (looser with `quick`): the field model's whole-state
// MSE at the last step at most `ratio` times the no-field model's; the recovered B's median
// cosine with the true B, and its scale within `scale_tolerance` of 1.
std::vector<examples::Check> make_checks(const std::vector<ModelResult>& results, bool quick);

// forecast_metrics.csv (model_index: the order of `results`, step, the paper's measures) and training.svg into `out`
// (ends with '/').
void write_files(const std::string& out, const std::vector<ModelResult>& results);

// results.json's body after examples::results_header: data, per model (training, forecast
// measures per step, field recovery), checks.
void add_results(io::Json& res, const std::vector<ModelResult>& results, const LorentzData& data,
                 const std::vector<examples::Check>& checks);

}  // namespace dg::lorentz_field
