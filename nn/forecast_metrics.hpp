// Forecast errors as Kofinas et al. (Aether, NeurIPS 2023) compute them in their evaluate.py:
// predicted against true trajectories of particles, per forecast step, on unnormalised data.
// Inputs are (S, H, N, d) arrays (simulations x forecast steps x particles x components,
// row-major) of predicted and true positions and velocities. For simulation s and step k:
//   state_se(s, k)    = sum_{i,c} (dx^2 + dv^2) / (2 N d)    the whole state [x, v], averaged over
//                                                            particles and components
//   position_se(s, k) = sum_{i,c} dx^2 / (N d),  velocity_se(s, k) likewise with dv
//   position_l2(s, k) = sum_i |dx_i| / N          (|.| the L2 norm over components; the paper's
//   velocity_l2(s, k) = sum_i |dv_i| / N           --report_error_norm)
// and each per-step measure is the mean over simulations, except state_mse_median and
// state_mse_p90: the median and the 90th percentile over simulations of state_se(s, k) (linear
// interpolation between order statistics, as numpy.percentile's default: the median of an even
// count is the mean of the two middle values). A few diverging forecasts dominate the means; the
// median and percentile show the typical forecast.
//
// NaN-safe: if any input entry of step k is NaN or Inf (a diverged forecast), every measure of
// step k is NaN: a diverged forecast is never averaged (or ranked) into a finite number.
//
// Why nn/: like nn/loss and nn/field/field_metrics, these judge a model's predictions against a
// reference; they are not field measures (egnn_nbody forecasts without any field), so they sit
// in nn/ itself rather than nn/field/. They need plain arrays only, so any layer from nn up (the
// experiments in examples/) can use them, while integrators/ and datasets/ stay free of learning
// measures. Users: field_discovery (evaluate.cpp); gravity_field and egnn_nbody can call
// forecast_metrics with their rollouts denormalised to physical units (see
// docs/experiments/field_discovery.md, "The paper's metrics").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace dg::nn {

struct ForecastShape {
  std::int64_t sims = 0, steps = 0, particles = 0, dim = 0;  // S, H, N, d
  std::int64_t numel() const { return sims * steps * particles * dim; }
};

struct ForecastMetrics {  // every vector (H): index k is forecast step k + 1
  std::vector<double> state_mse, position_mse, velocity_mse;
  std::vector<double> position_l2, velocity_l2;
  std::vector<double> state_mse_median, state_mse_p90;
  std::vector<std::vector<double>> state_se;  // (H, S) state_se(s, k); NaN for a diverged simulation
};

// Throws std::invalid_argument when a shape entry is not positive or an array does not hold
// shape.numel() values.
ForecastMetrics forecast_metrics(const ForecastShape& shape, std::span<const double> predicted_positions,
                                 std::span<const double> predicted_velocities, std::span<const double> true_positions,
                                 std::span<const double> true_velocities);

// The q-quantile (q in [0, 1]) of x by linear interpolation between order statistics (numpy's
// default); NaN when x is empty or holds a NaN.
double quantile(std::vector<double> x, double q);

}  // namespace dg::nn
