// The data of the field-discovery experiment: Aether's electrostatic set (datasets/
// electrostatic.cpp), generated in memory or read from a folder written by `dynagrad-data`, with
// its fixed source charges (the ground truth of the field, used only for evaluation).
#pragma once

#include <cstdint>
#include <string>

#include "autodiff/tensor.hpp"
#include "datasets/trajectories.hpp"

namespace dg::field_discovery {

struct ElectrostaticData {
  datasets::Trajectories train, test;
  Tensor<double> source_positions;  // (S, d)
  Tensor<double> source_charges;    // (S)
  double coulomb_k = 1, force_cap = 100;
  std::string origin;               // where the data came from, for results.json
};

// From `dir` (train.npz, test.npz, params.json) when not empty, else generated: `train` and `test`
// simulations of the default electrostatic parameters with `seed`. Throws DatasetError naming
// the file for a missing, corrupt or unsuitable data set (not 2D, no charges, no sources, fewer
// than `min_frames` frames).
ElectrostaticData load_electrostatic(const std::string& dir, std::int64_t train, std::int64_t test, std::uint64_t seed,
                                     std::int64_t min_frames);

}  // namespace dg::field_discovery
