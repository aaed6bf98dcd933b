// Normalisation of positions and velocities: x_norm = (x - shift_k) / scale_k per coordinate k,
// with statistics computed on the TRAINING split and stored next to the model, so that
// validation, test and deployment use the same numbers.
//
//   Normalization norm = Normalization::fit(train, NormalizationKind::Standard);
//   norm.save("run/normalization.json");                    // atomic; doubles kept bit for bit
//   Normalization again = Normalization::load("run/normalization.json");
//
// Kinds:
//   standard   per coordinate: shift = mean, scale = standard deviation (population, over all
//              simulations, frames and particles); a constant coordinate gets scale 1.
//   minmax     NRI: one shift and scale for all coordinates mapping [min, max] to [-1, 1]
//              (shift = (max + min) / 2, scale = (max - min) / 2; 1 when max = min).
//   max_speed  Aether: shift 0, scale = the largest speed |v| in the training split, for
//              positions and velocities alike (1 when every velocity is zero).
// Positions and velocities get their own statistics (standard, minmax) or share one (max_speed).
#pragma once

#include <string>
#include <vector>

#include "datasets/error.hpp"
#include "datasets/trajectories.hpp"

namespace dg::datasets {

enum class NormalizationKind { None, Standard, MinMax, MaxSpeed };
const char* normalization_name(NormalizationKind);          // "none", "standard", "minmax", "max_speed"
NormalizationKind parse_normalization(const std::string&);  // DatasetError for an unknown name

struct Normalization {
  NormalizationKind kind = NormalizationKind::None;
  std::vector<double> position_shift, position_scale;  // (d)
  std::vector<double> velocity_shift, velocity_scale;  // (d)

  bool enabled() const { return kind != NormalizationKind::None; }
  // The statistics of `train` (every frame of every simulation). DatasetError for an empty split.
  static Normalization fit(const Trajectories& train, NormalizationKind kind);
  // JSON: {"format", "kind", "dim", "position_shift", "position_scale", ...}; atomic write.
  void save(const std::string& path) const;
  // DatasetError naming the file for a wrong format, lengths that differ, scales <= 0 or NaN.
  static Normalization load(const std::string& path);
  // Throws DatasetError unless the statistics are for d-dimensional data (or disabled).
  void require_dim(std::int64_t d, const std::string& where) const;
};

}  // namespace dg::datasets
