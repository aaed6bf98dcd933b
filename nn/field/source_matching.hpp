// How well recovered point sources match the true ones: for each true source the nearest
// recovered one (its distance and charge), and the summary measures
//   located(r)    fraction of true sources with a recovered source within r of the right sign
//   sign accuracy among true sources with a recovered one within `match_radius`: same sign
//   charge error  mean |q_hat - q| over those, and the mean relative error |q_hat - q| / |q|
//   false         recovered sources with no true source within `match_radius`
//
// Why nn/field: it judges the output of source_recovery.hpp, with positions and numbers only.
#pragma once

#include <vector>

#include "nn/field/source_recovery.hpp"

namespace dg::nn {

struct SourceMatch {
  index_t nearest = -1;       // index of the nearest recovered source (-1: none recovered)
  double distance = 0;        // to it (infinity when none)
  double true_charge = 0, recovered_charge = 0;
};

struct SourceMatching {
  std::vector<SourceMatch> matches;  // one per true source
  double located_02 = 0, located_05 = 0;  // fractions, right sign, within 0.2 and 0.5
  index_t located_02_count = 0, located_05_count = 0;
  double sign_accuracy = 0;          // over true sources matched within match_radius (0 when none)
  double charge_error = 0, relative_charge_error = 0;  // means over the same
  index_t matched = 0;               // true sources with a recovered one within match_radius
  index_t false_sources = 0;         // recovered, no true source within match_radius
  std::vector<index_t> false_indices;
};

// Throws std::invalid_argument when positions differ in dimension.
SourceMatching match_sources(const std::vector<PointSource>& truth, const std::vector<PointSource>& recovered,
                             double match_radius = 0.5);

}  // namespace dg::nn
