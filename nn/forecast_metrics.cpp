// Forecast errors per step, as the Aether paper's evaluation computes them (forecast_metrics.hpp).
#include "nn/forecast_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace dg::nn {

double quantile(std::vector<double> x, double q) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (x.empty() || std::any_of(x.begin(), x.end(), [](double v) { return std::isnan(v); })) return nan;
  std::sort(x.begin(), x.end());
  const double rank = q * static_cast<double>(x.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  if (frac == 0 || x[lo] == x[hi]) return x[lo];  // also keeps an Inf from becoming Inf - Inf
  return x[lo] + frac * (x[hi] - x[lo]);
}

ForecastMetrics forecast_metrics(const ForecastShape& shape, std::span<const double> predicted_positions,
                                 std::span<const double> predicted_velocities, std::span<const double> true_positions,
                                 std::span<const double> true_velocities) {
  const std::int64_t S = shape.sims, H = shape.steps, N = shape.particles, d = shape.dim;
  if (S <= 0 || H <= 0 || N <= 0 || d <= 0)
    throw std::invalid_argument("forecast_metrics: shape (" + std::to_string(S) + ", " + std::to_string(H) + ", " +
                                std::to_string(N) + ", " + std::to_string(d) + ") has an entry that is not positive");
  const auto n = static_cast<std::size_t>(shape.numel());
  const std::pair<const char*, std::span<const double>> arrays[] = {{"predicted_positions", predicted_positions},
                                                                    {"predicted_velocities", predicted_velocities},
                                                                    {"true_positions", true_positions},
                                                                    {"true_velocities", true_velocities}};
  for (const auto& [name, a] : arrays)
    if (a.size() != n)
      throw std::invalid_argument(std::string("forecast_metrics: ") + name + " holds " + std::to_string(a.size()) +
                                  " values, the shape (S, H, N, d) needs " + std::to_string(n));

  const double nan = std::numeric_limits<double>::quiet_NaN();
  ForecastMetrics m;
  for (auto* v : {&m.state_mse, &m.position_mse, &m.velocity_mse, &m.position_l2, &m.velocity_l2, &m.state_mse_median,
                  &m.state_mse_p90})
    v->assign(static_cast<std::size_t>(H), 0.0);
  m.state_se.assign(static_cast<std::size_t>(H), std::vector<double>(static_cast<std::size_t>(S), 0.0));
  for (std::int64_t k = 0; k < H; ++k) {
    const auto K = static_cast<std::size_t>(k);
    bool finite = true;  // every simulation's step k
    for (std::int64_t s = 0; s < S; ++s) {
      bool sim_finite = true;
      double dx2 = 0, dv2 = 0, x_norms = 0, v_norms = 0;  // sums over the simulation's particles
      for (std::int64_t i = 0; i < N; ++i) {
        const auto at = static_cast<std::size_t>(((s * H + k) * N + i) * d);
        double ex = 0, ev = 0;  // |dx_i|^2, |dv_i|^2
        for (std::int64_t c = 0; c < d; ++c) {
          const double x = predicted_positions[at + c] - true_positions[at + c];
          const double v = predicted_velocities[at + c] - true_velocities[at + c];
          sim_finite = sim_finite && std::isfinite(predicted_positions[at + c]) && std::isfinite(true_positions[at + c]) &&
                   std::isfinite(predicted_velocities[at + c]) && std::isfinite(true_velocities[at + c]);
          ex += x * x;
          ev += v * v;
        }
        dx2 += ex, dv2 += ev;
        x_norms += std::sqrt(ex), v_norms += std::sqrt(ev);
      }
      const double Nd = static_cast<double>(N * d);
      finite = finite && sim_finite;
      m.state_se[K][static_cast<std::size_t>(s)] = sim_finite ? (dx2 + dv2) / (2 * Nd) : nan;
      m.state_mse[K] += (dx2 + dv2) / (2 * Nd);
      m.position_mse[K] += dx2 / Nd;
      m.velocity_mse[K] += dv2 / Nd;
      m.position_l2[K] += x_norms / static_cast<double>(N);
      m.velocity_l2[K] += v_norms / static_cast<double>(N);
    }
    for (auto* v : {&m.state_mse, &m.position_mse, &m.velocity_mse, &m.position_l2, &m.velocity_l2})
      (*v)[K] = finite ? (*v)[K] / static_cast<double>(S) : nan;
    m.state_mse_median[K] = quantile(m.state_se[K], 0.5);
    m.state_mse_p90[K] = quantile(m.state_se[K], 0.9);
  }
  return m;
}

}  // namespace dg::nn
