// Evaluation of the gravity_field models, without gradients.
//
// Forecasts, as Kofinas et al. evaluate them: from the state (positions and velocities) of the
// last observed frame, roll `horizon` frames forward (velocity Verlet, `substeps` per frame, the
// code read from the observed frames); per step the mean over simulations and particles of the L2
// position error, and the paper's measures (nn/forecast_metrics.hpp: whole-state, position and
// velocity MSE, mean L2 errors, median and 90th percentile) on the unnormalised test data. A
// rollout that reaches NaN or Inf stops: `finite` is false and the steps it did not reach are NaN.
// A null model forecasts at constant velocity (a reference).
//
// Field recovery (beyond the paper, which only plots its field): per test simulation, 64 random
// points at distance 0.3 .. 2 from its hidden mass (outside the softened core, inside the region
// the particles explore); the learned field (with that simulation's code) against the hidden mass's
// true field G M (h - x) / (|h - x|^2 + eps^2)^(3/2), by nn::field_metrics over all points (median
// cosine, relative L2 error, best-fit scale; 1: physical units).
//
// Locating the hidden mass (issue 19): per test simulation, the learned field and its exact
// Jacobian (nn::field_derivatives, on the tape) at the points of a G^3 grid over [-L, L]^3 that lie
// within `reach` of a position the particles took in the observed frames (the field is learned only
// where they go), then nn::recover_sources on those points with the inverse-square kernel of a mass
// (k = G, softening eps; q = -m): candidates at the peaks of |div E|, a least-squares fit of point
// masses kept by BIC. The located mass is the recovered source of largest mass; its distance to the
// true one, and the recovered mass against 10. A simulation where no source of
// positive mass is found counts as infinitely far.
#pragma once

#include <string>
#include <vector>

#include "examples/gravity_field/model.hpp"
#include "nn/field/field_metrics.hpp"
#include "nn/forecast_metrics.hpp"

namespace dg::gravity_field {

struct Forecast {
  std::vector<double> step_error;  // (H) mean L2 position error after 1 .. H frames
  bool finite = true;
  std::string divergence;          // the integrator's message when not finite
  std::vector<double> positions;   // (S, H, N, d) the forecasts
  std::vector<double> velocities;  // (S, H, N, d)
  nn::ForecastMetrics paper;
};

// Frames observed .. observed + horizon - 1 of every simulation of `values` (t.positions or
// t.velocities): (S, H, N, d).
std::vector<double> future_frames(const std::vector<double>& values, const datasets::Trajectories& t,
                                  std::int64_t observed, std::int64_t horizon);

// (S) each test simulation's least distance between a particle and the hidden mass over the
// forecast frames observed .. observed + horizon - 1 (the truth): where the steep field is felt.
std::vector<double> closest_approach(const GravityData& data, std::int64_t observed, std::int64_t horizon);

// model null: constant velocity. `batch` simulations per rollout. `codes` (S, Z): the codes of a
// DynamicField model's simulations (refined_codes, refine.hpp); null: the encoder's.
Forecast forecast(GravityModel* model, const datasets::Trajectories& test, std::int64_t observed, std::int64_t horizon,
                  int substeps, std::int64_t stride, std::int64_t batch = 500, const Tensor<float>* codes = nullptr);

// A reference, not a model: the true forces (the particles' softened gravity and the hidden mass)
// integrated by the same leapfrog with `substeps` per frame: the error that the integrator's step
// alone leaves (the data were made with 100 steps per frame).
Forecast forecast_true_forces(const GravityData& data, std::int64_t observed, std::int64_t horizon, int substeps);

// Error attribution (--attribute-errors): a field model's forecast with one of its two parts
// replaced by the truth, through the same rollout:
//   TruePart::HiddenMassField  a_i = cap( u_i + G M (h - x_i) / (|h - x_i|^2 + eps^2)^(3/2) )
//                              learned interactions, the true field of the simulation's hidden mass h
//   TruePart::PairForces       a_i = cap( softened gravity of the other particles + E(x_i | z) )
//                              true pair forces, learned field
// What the first leaves is the interactions' error, what the second the field's.
enum class TruePart { HiddenMassField, PairForces };
const char* true_part_name(TruePart part);  // "true_hidden_mass_field", "true_pair_forces"
Forecast forecast_with_true_part(GravityModel& model, const GravityData& data, TruePart part, std::int64_t observed,
                                 std::int64_t horizon, int substeps, std::int64_t stride, std::int64_t batch = 500,
                                 const Tensor<float>* codes = nullptr);

// The codes (S, Z) of every simulation of t (a DynamicField model).
Tensor<float> codes_of(GravityModel& model, const datasets::Trajectories& t, std::int64_t observed,
                       std::int64_t stride);

// Field models only; `points` per simulation; `codes` as for forecast.
nn::FieldMetrics field_recovery(GravityModel& model, const GravityData& data, std::int64_t observed,
                                std::int64_t stride, std::uint64_t seed, index_t points = 64,
                                const Tensor<float>* codes = nullptr);

struct LocateOptions {
  index_t grid = 13;      // G points per axis
  double half_width = 3;  // L
  double reach = 1.0;     // residual points within this of an observed position
  double exclusion = 0.2;  // and not within this of a candidate
  std::int64_t sims = 0;  // test simulations (the first ones; 0: all)
};

struct HiddenMassSearch {
  std::vector<double> truth, located;  // (S, d); located NaN when nothing was found
  std::vector<double> distance, mass;  // (S); inf / NaN when nothing was found
  double median_distance = 0;
  double within_01 = 0, within_02 = 0, within_05 = 0;  // fractions of the simulations
  double found = 0;                                    // fraction with a located mass
  double median_mass = 0;                              // over those found
  double seconds = 0;
};

HiddenMassSearch locate_hidden_mass(GravityModel& model, const GravityData& data, std::int64_t observed,
                                    std::int64_t stride, const LocateOptions& options,
                                    const Tensor<float>* codes = nullptr);

// The learned and true field of test simulation 0 on a G x G grid in the plane z = z_hidden, 2 around
// the mass (for field.svg).
struct FieldPlane {
  std::vector<double> xs, ys;                // (G), (G)
  std::vector<double> learned_u, learned_v;  // (G*G) point j*G + i = (xs[i], ys[j])
  std::vector<double> true_u, true_v;        // (G*G)
  double hidden_x = 0, hidden_y = 0;
};
FieldPlane field_plane(GravityModel& model, const GravityData& data, std::int64_t observed, std::int64_t stride,
                       const Tensor<float>* codes = nullptr);

}  // namespace dg::gravity_field
