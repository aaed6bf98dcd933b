// Recovered against true point sources (source_matching.hpp).
#include "nn/field/source_matching.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace dg::nn {

namespace {

double distance(const PointSource& a, const PointSource& b) {
  if (a.position.size() != b.position.size())
    throw std::invalid_argument("match_sources: a " + std::to_string(a.position.size()) + "D source against a " +
                                std::to_string(b.position.size()) + "D one");
  double s = 0;
  for (std::size_t c = 0; c < a.position.size(); ++c) s += (a.position[c] - b.position[c]) * (a.position[c] - b.position[c]);
  return std::sqrt(s);
}

bool same_sign(double a, double b) { return (a > 0 && b > 0) || (a < 0 && b < 0); }

}  // namespace

SourceMatching match_sources(const std::vector<PointSource>& truth, const std::vector<PointSource>& recovered,
                             double match_radius) {
  SourceMatching out;
  double signs = 0;
  for (const PointSource& t : truth) {
    SourceMatch m;
    m.true_charge = t.charge;
    m.distance = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < recovered.size(); ++j) {
      const double dist = distance(t, recovered[j]);
      if (dist < m.distance) m.distance = dist, m.nearest = static_cast<index_t>(j);
    }
    if (m.nearest >= 0) m.recovered_charge = recovered[static_cast<std::size_t>(m.nearest)].charge;
    const bool sign = same_sign(m.true_charge, m.recovered_charge);
    if (m.distance <= 0.2 && sign) ++out.located_02_count;
    if (m.distance <= 0.5 && sign) ++out.located_05_count;
    if (m.distance <= match_radius) {
      ++out.matched;
      signs += sign ? 1 : 0;
      out.charge_error += std::abs(m.recovered_charge - m.true_charge);
      out.relative_charge_error += std::abs(m.recovered_charge - m.true_charge) / std::abs(m.true_charge);
    }
    out.matches.push_back(m);
  }
  if (!truth.empty()) {
    out.located_02 = double(out.located_02_count) / double(truth.size());
    out.located_05 = double(out.located_05_count) / double(truth.size());
  }
  if (out.matched > 0) {
    out.sign_accuracy = signs / double(out.matched);
    out.charge_error /= double(out.matched);
    out.relative_charge_error /= double(out.matched);
  }
  for (std::size_t j = 0; j < recovered.size(); ++j) {
    bool near = false;
    for (const PointSource& t : truth) near = near || distance(t, recovered[j]) <= match_radius;
    if (!near) ++out.false_sources, out.false_indices.push_back(static_cast<index_t>(j));
  }
  return out;
}

}  // namespace dg::nn
