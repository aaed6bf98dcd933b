// The Langevin runs and their measures (evaluate.hpp).
#include "examples/langevin_sampling/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "integrators/integrators.hpp"

namespace dg::langevin_sampling {

namespace ig = dg::integrators;

namespace {

template <class Scheme>
Sampled sample(const Scheme& scheme, const Target& target, const RunSettings& rs, nn::ProgressLine& progress,
               std::int64_t& work_done, std::int64_t work_total, int phase) {
  constexpr int kGroups = 32;
  Philox rng(rs.seed, 1);  // the same exact start for every scheme and step size
  Tensor<double> q(Shape{rs.particles, target.dim}), v(Shape{rs.particles, target.dim});
  target.sample_exact(rng, q);
  for (index_t i = 0; i < v.numel(); ++i) v[i] = rng.normal();  // Maxwell at kT = 1
  auto s = ig::make_state(std::move(q), std::move(v), rs.seed + 1);
  auto force = [&](const Tensor<double>& x, const Tensor<double>&, double, Tensor<double>& a) { target.accel(x, a); };
  ig::Workspace<Tensor<double>> ws;
  const double dt = scheme.dt;
  const auto burn = static_cast<std::int64_t>(std::ceil(rs.burn_in / dt));
  const auto every = std::max<std::int64_t>(1, std::llround(rs.sample_interval / dt));
  const auto total = burn + static_cast<std::int64_t>(std::ceil(rs.sample_time / dt));

  Sampled out;
  std::vector<double> counts(target.bin_probability.size(), 0.0), group_r2(kGroups, 0.0);
  double outside = 0, frames = 0;
  try {
    ig::init(scheme, s, force, ws);
    ig::run(scheme, s, force, ig::OpenBoundary{}, ws, total, [&](const ig::State<Tensor<double>>& now) {
      progress.update(phase, 2, ++work_done, work_total, dt);
      if (now.step <= burn || (now.step - burn) % every != 0) return;
      frames += 1;
      for (index_t i = 0; i < rs.particles; ++i) {
        double r2 = 0;
        index_t bin = 0, stride = 1;
        bool inside = true;
        for (index_t c = 0; c < target.dim; ++c) {
          const double x = now.q(i, c);
          r2 += x * x;
          const double f = (x - target.lo) / (target.hi - target.lo) * double(target.bins);
          inside = inside && f >= 0 && f < double(target.bins);
          bin += inside ? static_cast<index_t>(f) * stride : 0;
          stride *= target.bins;
        }
        if (inside) counts[static_cast<std::size_t>(bin)] += 1;
        else outside += 1;
        group_r2[static_cast<std::size_t>(i * kGroups / rs.particles)] += r2;
      }
    });
  } catch (const ig::NonFiniteStateError&) {
    out.diverged = true;
    return out;
  }
  // Frequencies, total variation (the mass outside the histogram counts too), <|x|^2> by group.
  const double n = frames * double(rs.particles);
  double tv = outside / n, inside_exact = 0;
  out.histogram.resize(counts.size());
  for (std::size_t b = 0; b < counts.size(); ++b) {
    out.histogram[b] = counts[b] / n;
    tv += std::abs(out.histogram[b] - target.bin_probability[b]);
    inside_exact += target.bin_probability[b];
  }
  out.tv = 0.5 * (tv + std::max(0.0, 1 - inside_exact));  // |outside - exact outside| <= the sum of both
  double mean = 0, var = 0;
  for (double& g : group_r2) g /= n / kGroups, mean += g / kGroups;
  for (double g : group_r2) var += (g - mean) * (g - mean) / (kGroups - 1);
  out.r2 = mean;
  out.r2_se = std::sqrt(var / kGroups);
  return out;
}

}  // namespace

Sampled sample_with(int scheme, double dt, const Target& target, const RunSettings& rs, nn::ProgressLine& progress,
                    std::int64_t& work_done, std::int64_t work_total, int phase) {
  const ig::Thermostat bath{.gamma = 1, .kT = 1, .mass = {}};
  if (scheme == 0) return sample(ig::BAOAB{.dt = dt, .bath = bath}, target, rs, progress, work_done, work_total, phase);
  if (scheme == 1) return sample(ig::OBABO{.dt = dt, .bath = bath}, target, rs, progress, work_done, work_total, phase);
  return sample(ig::EulerMaruyama{.dt = dt, .bath = bath}, target, rs, progress, work_done, work_total, phase);
}

Sweep sweep(const std::vector<Target>& targets, const std::vector<double>& dts, const RunSettings& rs,
            nn::ProgressLine& progress) {
  std::int64_t work_total = 0, work_done = 0;  // steps of all runs, for the progress line
  for (double dt : dts)
    work_total += 3 * 2 * static_cast<std::int64_t>(std::ceil(rs.burn_in / dt) + std::ceil(rs.sample_time / dt));
  Sweep results(targets.size(), std::vector<std::vector<Sampled>>(3));
  for (std::size_t t = 0; t < targets.size(); ++t)
    for (int k = 0; k < 3; ++k)
      for (double dt : dts)
        results[t][static_cast<std::size_t>(k)].push_back(
            sample_with(k, dt, targets[t], rs, progress, work_done, work_total, int(t) + 1));
  return results;
}

std::vector<double> parse_steps(const std::string& text) {
  std::vector<double> dts;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::size_t used = 0;
    double dt = 0;
    try {
      dt = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !(dt > 0) || dt > 10)
      throw std::invalid_argument("--dt: '" + item + "' is not a step size in (0, 10]");
    dts.push_back(dt);
  }
  if (dts.empty()) throw std::invalid_argument("--dt: no step size given");
  std::sort(dts.begin(), dts.end());
  return dts;
}

}  // namespace dg::langevin_sampling
