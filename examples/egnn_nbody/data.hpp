// The data of the egnn_nbody experiment: the `nbody` set (datasets/coulomb_sets.cpp), five charges
// in 3D, as three splits generated in memory or read from a folder written by `dynagrad-data`; and
// the task's windows (the input frame and the frame to predict).
#pragma once

#include <cstdint>
#include <string>

#include "datasets/trajectories.hpp"
#include "datasets/windows.hpp"

namespace dg::egnn_nbody {

using Batch = datasets::WindowBatch<float>;

struct NBodyData {
  datasets::Trajectories train, val, test;
  std::string origin;  // for results.json
};

// The three splits from `dir` (written by dynagrad-data) when given, else generated in memory
// with the nbody generator's settings and the requested sizes. Throws DatasetError for a folder of
// another data set or particles without charges.
NBodyData load_nbody(const std::string& dir, std::int64_t train, std::int64_t val, std::int64_t test, std::uint64_t seed);

// One window per simulation: the input frame and the target frame (batches of `batch` simulations).
datasets::WindowOptions task_windows(std::int64_t input_frame, std::int64_t target_frame, std::int64_t batch,
                                     bool shuffle, std::uint64_t seed);

}  // namespace dg::egnn_nbody
