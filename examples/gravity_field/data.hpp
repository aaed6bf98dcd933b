// The data of the gravity_field experiment: Aether's gravitational set (datasets/gravitational.cpp),
// five unit masses in 3D around one heavy fixed mass (10, Plummer softening 0.1) placed anew in
// every simulation and never shown to the models; generated in memory or read from a folder written
// by `dynagrad-data generate gravitational`, with the hidden masses' positions (the ground truth of the field,
// used only for evaluation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/trajectories.hpp"

namespace dg::gravity_field {

constexpr std::int64_t kD = 3;  // the setting is 3D

struct GravityData {
  datasets::Trajectories train, test;
  std::vector<double> train_heavy, test_heavy;  // (S, d) the hidden mass of each simulation
  double G = 1, heavy_mass = 10, softening = 0.1;
  std::string origin;  // where the data came from, for results.json
};

// From `dir` (train.npz, test.npz, params.json) when not empty, else generated: `train` and `test`
// simulations of the default gravitational parameters with `seed`. Throws datasets::DatasetError
// naming the file for unsuitable data (not 3D, masses other than 1, not exactly one heavy mass per
// simulation, fewer than `min_frames` frames in the test split, no dt_frame, non-finite values of
// the hidden masses).
GravityData load_gravity(const std::string& dir, std::int64_t train, std::int64_t test, std::uint64_t seed,
                         std::int64_t min_frames);

// The hidden mass's field on a unit mass at p: G M (h - p) / (|h - p|^2 + eps^2)^(3/2); h, p, out (d).
void true_field(const double* h, const double* p, double GM, double eps, double* out);

}  // namespace dg::gravity_field
