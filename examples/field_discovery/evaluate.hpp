// Evaluation of the field-discovery experiment.
//
// Forecasts, as Kofinas et al. report them: from the last observed frame (positions and
// velocities of frame `observed - 1`), roll the model `horizon` frames forward; the error at
// step k is the mean over simulations and particles of |x_pred - x_true| (L2 in space), and the
// MSE is the mean over every step, particle and coordinate of the squared error. A rollout that
// reaches a NaN or Inf stops there: `finite` is false, the first diverged simulation and step are
// recorded, and every step error from that step on, the MSE and the unreached positions are NaN
// (never 0, which would read as a perfect forecast).
//
// The paper's measures (nn/forecast_metrics.hpp) per step, on the unnormalised test data: the
// whole-state, position and velocity MSE, the mean L2 position and velocity errors (position_l2
// is step_error, computed again), and the median and 90th percentile over simulations of the
// whole-state squared error. The rollout starts from the stored state of frame `observed - 1` and
// runs the data's kick-drift order (rollout.hpp), so its state after frame k's last substep is the
// one the data store for that frame (position after the drift, velocity before the kick at it);
// it is compared with the stored frame, exactly as the training loss compares them (train.cpp):
// like with like (a test reproduces the data from the true forces).
//
// Field recovery (the paper only plots the field): on a G x G grid over the box spanned by the
// 1st to 99th percentiles (per coordinate) of the training positions, leaving out points within
// `exclusion` of a source, compare the learned field E_hat with the true one E (the sources'
// field on a unit positive charge, norm capped like the data's forces):
//   cosine       median over points of E_hat . E / (|E_hat| |E|)
//   relative L2  sqrt(sum |E_hat - E|^2 / sum |E|^2)
//   scale        s minimising sum |E_hat - s E|^2, i.e. sum E_hat . E / sum |E|^2  (1: physical units)
// each also weighted by the density of training positions (the count of training positions
// nearest to each grid point): the field where the particles actually went.
#pragma once

#include <string>
#include <vector>

#include "examples/field_discovery/data.hpp"
#include "examples/field_discovery/model.hpp"
#include "nn/field/field_metrics.hpp"
#include "nn/forecast_metrics.hpp"

namespace dg::field_discovery {

struct Forecast {
  std::vector<double> step_error;  // (H) mean L2 position error after 1 .. H frames
  double mse = 0;
  bool finite = true;              // no NaN or Inf in any predicted position
  std::int64_t diverged_sim = -1;  // when not finite: the first simulation that diverged (-1: unknown)
  std::int64_t diverged_step = -1; // and the forecast step (1 .. H) it did not reach
  std::string divergence;          // the integrator's message
  std::vector<double> positions;   // (S, H, N, d) the forecasts
  std::vector<double> velocities;  // (S, H, N, d) their velocities
  std::int64_t sims = 0, horizon = 0, particles = 0, dim = 0;
  nn::ForecastMetrics paper;       // the paper's measures per step
};

// Frames observed .. observed + horizon - 1 of every simulation of `values` (t.positions or
// t.velocities): (S, H, N, d), the true future that forecasts are compared with.
std::vector<double> future_frames(const std::vector<double>& values, const datasets::Trajectories& t,
                                  std::int64_t observed, std::int64_t horizon);

// `batch` simulations per rollout; substeps as in training.
Forecast forecast(DynamicsModel& model, const datasets::Trajectories& test, std::int64_t observed, std::int64_t horizon,
                  int substeps, std::int64_t batch = 250);
// The same forecast of data.test with the TRUE accelerations (the other particles' Coulomb forces
// and the sources', norm capped, unit masses) through the same rollout: what integration with
// `substeps` per frame costs on its own, with nothing learned (results.json: `true_physics`).
// With substeps = 100 (the data's dt) it reproduces the data to float rounding.
Forecast forecast_true_physics(const ElectrostaticData& data, std::int64_t observed, std::int64_t horizon, int substeps,
                               std::int64_t batch = 250);

// Error attribution (--attribute-errors): the field model's forecast with one of its two parts
// replaced by the truth, through the same rollout:
//   TruePart::SourceField  a_i = cap( u_i + F_sources(x_i) )    learned interactions, true field
//   TruePart::PairForces   a_i = cap( F_pairs,i + q_i E(x_i) )  true Coulomb pair forces, learned field
// (u_i the interaction network's part, E the learned field, model.hpp). What the first leaves is
// the interactions' error, what the second leaves the field's.
enum class TruePart { SourceField, PairForces };
const char* true_part_name(TruePart part);  // "true_source_field", "true_pair_forces"
Forecast forecast_with_true_part(DynamicsModel& model, const ElectrostaticData& data, TruePart part,
                                 std::int64_t observed, std::int64_t horizon, int substeps, std::int64_t batch = 250);

struct FieldGrid {
  std::vector<double> xs, ys;    // (G), (G) grid coordinates
  Tensor<double> points;         // (G*G, 2), row j*G + i = (xs[i], ys[j])
  Tensor<double> truth;          // (G*G, 2) true field
  std::vector<double> density;   // (G*G) training positions nearest to each point
  std::vector<double> keep;      // (G*G) 1 where evaluated, 0 within `exclusion` of a source
};
// Throws datasets::DatasetError when a source position or charge is NaN or infinite.
FieldGrid make_field_grid(const ElectrostaticData& data, index_t points_per_axis, double exclusion);

using nn::FieldMetrics;
// The learned field on the grid (G*G, 2), evaluated in batches.
Tensor<double> learned_field(DynamicsModel& model, const FieldGrid& grid);
// nn::field_metrics on the grid's evaluated points, weighted by its density.
FieldMetrics field_metrics(const FieldGrid& grid, const Tensor<double>& learned);

}  // namespace dg::field_discovery
