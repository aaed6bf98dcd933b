// Sources of the learned field (sources.hpp).
#include "examples/field_discovery/sources.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "io/svg.hpp"

namespace dg::field_discovery {

namespace {

constexpr double kMissedRadius = 0.5;  // density around a true source is counted within this

}  // namespace

SourceReport find_sources(DynamicsModel& model, const ElectrostaticData& data, const FieldGrid& grid, index_t G) {
  const auto start = std::chrono::steady_clock::now();
  SourceReport r;
  const double x0 = grid.xs.front(), x1 = grid.xs.back(), y0 = grid.ys.front(), y1 = grid.ys.back();
  for (index_t i = 0; i < G; ++i) {
    r.xs.push_back(x0 + (x1 - x0) * double(i) / double(G - 1));
    r.ys.push_back(y0 + (y1 - y0) * double(i) / double(G - 1));
  }
  const index_t P = G * G;
  r.points = Tensor<double>(Shape{P, 2});
  for (index_t j = 0; j < G; ++j)
    for (index_t i = 0; i < G; ++i)
      r.points(j * G + i, 0) = r.xs[std::size_t(i)], r.points(j * G + i, 1) = r.ys[std::size_t(j)];
  const nn::FieldFunction<float> field = [&](Tape<float>& t, Var<float> x) { return model.field(t, x); };
  r.derivatives = nn::field_derivatives<float>(field, r.points);

  // Training positions: counted at the nearest grid point, and within kMissedRadius of each source.
  const std::vector<double>& pos = density_positions(data).positions;  // (..., 2)
  const index_t S = data.source_charges.numel();
  r.density.assign(std::size_t(P), 0.0);
  r.density_near_truth.assign(std::size_t(S), 0.0);
  const double dx = r.xs[1] - r.xs[0], dy = r.ys[1] - r.ys[0];
  for (std::size_t k = 0; k + 1 < pos.size(); k += 2) {
    const auto i = static_cast<index_t>(std::llround((pos[k] - x0) / dx));
    const auto j = static_cast<index_t>(std::llround((pos[k + 1] - y0) / dy));
    if (i >= 0 && i < G && j >= 0 && j < G) r.density[std::size_t(j * G + i)] += 1;
    for (index_t s = 0; s < S; ++s) {
      const double ex = pos[k] - data.source_positions[2 * s], ey = pos[k + 1] - data.source_positions[2 * s + 1];
      if (ex * ex + ey * ey < kMissedRadius * kMissedRadius) r.density_near_truth[std::size_t(s)] += 1;
    }
  }
  // Fit only where the particles went: the learned field elsewhere is the network's guess.
  std::vector<double> weights(static_cast<std::size_t>(P));
  for (std::size_t p = 0; p < weights.size(); ++p) weights[p] = r.density[p] > 0 ? 1.0 : 0.0;
  r.recovery = nn::recover_sources(r.points, r.derivatives.values, r.derivatives.divergence, weights,
                                   {.strength = data.coulomb_k, .exclusion = 1.5 * std::max(dx, dy)});
  r.truth = true_sources(data);
  r.matching = nn::match_sources(r.truth, r.recovery.sources);

  // Curl relative to the Jacobian on the field grid's evaluated points.
  const nn::FieldDerivatives on_grid = nn::field_derivatives<float>(field, grid.points);
  r.curl = nn::curl_measure(on_grid, grid.xs[1] - grid.xs[0], grid.keep);
  r.seconds = examples::seconds_since(start);
  return r;
}

std::vector<nn::PointSource> true_sources(const ElectrostaticData& data) {
  std::vector<nn::PointSource> truth;
  const index_t S = data.source_charges.numel(), d = data.source_positions.numel() / std::max<index_t>(S, 1);
  for (index_t s = 0; s < S; ++s) {
    truth.push_back({{}, data.source_charges[s]});
    for (index_t c = 0; c < d; ++c) truth.back().position.push_back(data.source_positions[s * d + c]);
  }
  return truth;
}

void print_learned_sources(const std::vector<nn::PointSource>& learned, const std::vector<nn::PointSource>& truth) {
  const nn::SourceMatching m = nn::match_sources(truth, learned);
  std::printf(
      "field_sources: its %zu trained point sources: %lld / %zu true sources within 0.2 with the right sign, "
      "%lld within 0.5; false sources %lld; mean |c - q| %.3f over those matched within 0.5\n",
      learned.size(), static_cast<long long>(m.located_02_count), truth.size(),
      static_cast<long long>(m.located_05_count), static_cast<long long>(m.false_sources), m.charge_error);
}

io::Json learned_sources_json(const std::vector<nn::PointSource>& learned, const std::vector<nn::PointSource>& truth) {
  const nn::SourceMatching m = nn::match_sources(truth, learned);
  io::JsonArray sources, distances;
  for (const nn::PointSource& s : learned)
    sources.push_back(io::Json::object({{"position", s.position}, {"charge", s.charge}}));
  for (const nn::SourceMatch& t : m.matches) distances.push_back(examples::json_number(t.distance));
  return io::Json::object({{"located_within_0.2_count", m.located_02_count},
                           {"located_within_0.5_count", m.located_05_count},
                           {"false_sources", m.false_sources},
                           {"charge_error", m.charge_error},
                           {"true_source_distances", io::Json(std::move(distances))},
                           {"sources", io::Json(std::move(sources))}});
}

void print_sources(const SourceReport& r) {
  const nn::SourceMatching& m = r.matching;
  const std::size_t S = r.truth.size();
  std::printf("\nsources of the learned field (%zu recovered from %lld candidates, %.1f s):\n", r.recovery.sources.size(),
              static_cast<long long>(r.recovery.candidates), r.seconds);
  std::printf("  located with the right sign: %lld / %zu within 0.2, %lld / %zu within 0.5; false sources %lld\n",
              static_cast<long long>(m.located_02_count), S, static_cast<long long>(m.located_05_count), S,
              static_cast<long long>(m.false_sources));
  std::printf("  matched within 0.5: %lld, sign accuracy %.3f, mean |q_hat - q| %.3f\n", static_cast<long long>(m.matched),
              m.sign_accuracy, m.charge_error);
  std::printf("  curl: rms |curl| / rms |J| = %.4f, rms |curl| * h / rms |E| = %.4f (the truth has 0)\n", r.curl.relative,
              r.curl.curl_length);
  for (std::size_t s = 0; s < S; ++s) {
    const nn::SourceMatch& t = m.matches[s];
    const bool sign = t.recovered_charge * t.true_charge > 0;
    if (t.distance <= 0.2 && sign) continue;
    std::printf("  missed source %zu at (%.2f, %.2f) q = %+.2f: nearest recovered %.2f away, q_hat = %+.2f; "
                "%.0f training positions within %.1f\n",
                s, r.truth[s].position[0], r.truth[s].position[1], t.true_charge, t.distance, t.recovered_charge,
                r.density_near_truth[s], kMissedRadius);
  }
}

io::Json sources_json(const SourceReport& r) {
  const nn::SourceMatching& m = r.matching;
  io::JsonArray per_source, recovered;
  for (std::size_t s = 0; s < r.truth.size(); ++s) {
    const nn::SourceMatch& t = m.matches[s];
    per_source.push_back(io::Json::object({{"position", r.truth[s].position},
                                           {"charge", t.true_charge},
                                           {"nearest", t.nearest},
                                           {"distance", examples::json_number(t.distance)},
                                           {"recovered_charge", t.recovered_charge},
                                           {"training_positions_within_0.5", r.density_near_truth[s]}}));
  }
  for (const nn::PointSource& s : r.recovery.sources)
    recovered.push_back(io::Json::object({{"position", s.position}, {"charge", s.charge}}));
  return io::Json::object(
      {{"method", "tape Jacobian on a " + std::to_string(r.xs.size()) + "^2 grid; candidates at |div E| peaks; "
                  "point charges fitted by least squares where training positions went; BIC selects the count"},
       {"located_within_0.2", m.located_02},
       {"located_within_0.5", m.located_05},
       {"located_within_0.2_count", m.located_02_count},
       {"located_within_0.5_count", m.located_05_count},
       {"sign_accuracy", m.sign_accuracy},
       {"charge_error", m.charge_error},
       {"relative_charge_error", m.relative_charge_error},
       {"matched_within_0.5", m.matched},
       {"false_sources", m.false_sources},
       {"candidates", r.recovery.candidates},
       {"fit_relative_residual", r.recovery.rss_none > 0 ? std::sqrt(r.recovery.rss / r.recovery.rss_none) : 0.0},
       {"curl_relative_to_jacobian", r.curl.relative},
       {"curl_times_spacing_relative_to_field", r.curl.curl_length},
       {"true_sources", io::Json(std::move(per_source))},
       {"recovered_sources", io::Json(std::move(recovered))},
       {"seconds", r.seconds}});
}

void write_sources_svg(const std::string& path, const SourceReport& r) {
  const index_t G = static_cast<index_t>(r.xs.size()), stride = std::max<index_t>(1, (G + 29) / 30);
  io::svg::QuiverPlot q;
  q.title = "learned field; true (+/-) and recovered (x) sources";
  q.x_label = "x";
  q.y_label = "y";
  q.unit_arrows = true;
  for (index_t i = 0; i < G; i += stride) q.x.push_back(r.xs[std::size_t(i)]);
  for (index_t j = 0; j < G; j += stride) q.y.push_back(r.ys[std::size_t(j)]);
  for (index_t j = 0; j < G; j += stride)
    for (index_t i = 0; i < G; i += stride) {
      q.u.push_back(r.derivatives.values(j * G + i, 0));
      q.v.push_back(r.derivatives.values(j * G + i, 1));
    }
  auto marker = [](const nn::PointSource& s, char symbol) {
    io::svg::PointMarker m;
    m.x = s.position[0], m.y = s.position[1], m.symbol = symbol;
    m.color = s.charge > 0 ? "#d62728" : "#1f77b4";
    return m;
  };
  for (const nn::PointSource& s : r.truth) q.markers.push_back(marker(s, s.charge > 0 ? '+' : '-'));
  for (const nn::PointSource& s : r.recovery.sources) q.markers.push_back(marker(s, 'x'));
  io::svg::write_svg(path, {q}, 560, 480);
}

std::vector<examples::Check> source_checks(const SourceReport& r, bool quick) {
  using enum examples::Check::Direction;
  const nn::SourceMatching& m = r.matching;
  if (quick)
    return {{"sources located within 0.5 with the right sign", double(m.located_05_count), 8, AtLeast},
            {"false sources (none within 0.5)", double(m.false_sources), 8, AtMost}};
  return {{"sources located within 0.2 with the right sign", double(m.located_02_count), 15, AtLeast},
          {"false sources (none within 0.5)", double(m.false_sources), 2, AtMost}};
}

}  // namespace dg::field_discovery
