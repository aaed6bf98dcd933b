// The data of the lorentz_field experiment: the `lorentz` set (datasets/coulomb_sets.cpp), 20
// charges (+-1) in 3D under their mutual Coulomb forces and the Lorentz force q v x B of a
// uniform magnetic field B = (0.5, 0.5, 0.5), each force component clipped to +-100: the "L+ES"
// (dynamic) set of the ClofNet generator that Aether's repository runs (experiments/lorentz).
// Generated in memory or read from a folder written by `dynagrad-data generate lorentz`; the true
// B (from the generator's parameters) is kept for the evaluation only.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "datasets/trajectories.hpp"

namespace dg::lorentz_field {

struct LorentzData {
  datasets::Trajectories train, test;
  std::array<double, 3> magnetic = {0, 0, 0};  // the true uniform B
  double coulomb_k = 1, force_cap = 100;       // the per-component force clip
  std::string origin;                          // where the data came from, for results.json
};

// From `dir` (train.npz, test.npz, params.json of the lorentz generator) when not empty, else
// generated: `train` and `test` simulations of the default lorentz parameters with `seed`.
// Throws DatasetError naming the file for a missing, corrupt or unsuitable data set (not 3D, no
// charges, masses other than 1, fewer than `min_frames` test frames).
LorentzData load_lorentz(const std::string& dir, std::int64_t train, std::int64_t test, std::uint64_t seed,
                         std::int64_t min_frames);

}  // namespace dg::lorentz_field
