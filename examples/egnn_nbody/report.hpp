// The outputs of the egnn_nbody experiment: the table printed at the end, the check of --check,
// and the files (results.json, training.csv, training.svg, predictions.svg).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "examples/common/checks.hpp"
#include "examples/egnn_nbody/train.hpp"

namespace dg::egnn_nbody {

// One trained network with its published test MSE.
struct NetworkResult {
  std::string name;  // "egnn", "gnn"
  Model* model = nullptr;
  TrainResult training;
  double published_mse = 0;
};

// The fitted linear baseline x + t v.
struct LinearResult {
  double t = 0, mse = 0;
  double frame_gap = 0;  // time between the input and the target frame
  static constexpr double published_mse = 0.0819;
};

// What the table and the pictures say about the run.
struct RunShape {
  std::int64_t input_frame, target_frame, epochs, batch, steps_per_epoch;
  std::string schedule;
  double lr;
};

void print_table(const std::vector<NetworkResult>& nets, const LinearResult& linear, const RunShape& shape);

// The result the example exists to show: the equivariant network clearly beats the linear
// extrapolation (the published ratio is 11.5; half of linear is a loose bar for short runs).
std::vector<examples::Check> make_checks(const std::vector<NetworkResult>& nets, const LinearResult& linear);

// training.csv, training.svg and predictions.svg (three simulations of the first test batch)
// into `out` (ends with '/').
void write_files(const std::string& out, const std::vector<NetworkResult>& nets, const LinearResult& linear,
                 const RunShape& shape, datasets::WindowLoader<float>& test_loader, index_t particles);

// results.json's body after examples::results_header: data, models, checks.
void add_results(io::Json& res, const NBodyData& data, const std::vector<NetworkResult>& nets, const LinearResult& linear,
                 const std::vector<examples::Check>& checks);

}  // namespace dg::egnn_nbody
