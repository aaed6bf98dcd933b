// Caps on the TOTAL force on each particle, as the published data sets apply them (see
// ../shared/reference/datasets.md): NRI and EGNN clip each component of the summed force to
// [-limit, limit]; Aether rescales the summed force vector to norm `limit` when it is longer.
// Both act after all contributions (other particles, sources) are added, never per pair.
#pragma once

#include <limits>

#include "autodiff/tensor.hpp"

namespace dg::physics {

enum class CapKind { None, PerComponent, Norm };

struct ForceCap {
  CapKind kind = CapKind::None;
  double limit = std::numeric_limits<double>::infinity();

  static ForceCap none() { return {}; }
  static ForceCap per_component(double limit);  // NRI, EGNN: clip to [-limit, limit]
  static ForceCap norm(double limit);           // Aether: |F_i| <= limit
};

// Applies the cap to F (N, d) in place (one row per particle).
void apply_cap(const ForceCap& cap, Tensor<double>& F);

}  // namespace dg::physics
