// Evaluation of the lorentz_field experiment, without gradients.
//
// Forecasts as Kofinas et al. measure them (nn/forecast_metrics.hpp), on the unnormalised test
// data: from frame `observed - 1` (positions and velocities), roll the model `horizon` frames
// forward and compare every frame with the truth: whole-state, position and velocity MSE, mean L2
// position and velocity errors, median and 90th percentile of the whole-state error, per step.
// With the defaults (observed 31, horizon 10) the forecast starts at frame 30 and its step 10 is
// frame 40: the position MSE at step 10 is the loss of the task Aether's lorentz experiment runs
// (EGNN's frame 30 -> 40). A rollout that reaches NaN or Inf leaves NaN from there (never 0).
//
// Field recovery: the learned B(x) against the true uniform B at the positions the test
// particles visit (every `every`-th frame of every test simulation): nn::field_metrics' median
// cosine, relative L2 error and scale (1: the same units), and the mean learned vector.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "examples/lorentz_field/data.hpp"
#include "examples/lorentz_field/model.hpp"
#include "nn/field/field_metrics.hpp"
#include "nn/forecast_metrics.hpp"

namespace dg::lorentz_field {

struct Forecast {
  std::int64_t observed = 0, horizon = 0;
  nn::ForecastMetrics paper;  // per step (H)
  bool finite = true;         // every forecast stayed finite
  std::int64_t diverged = 0;  // simulations whose forecast did not stay finite
};

// `batch` simulations per rollout; substeps as in training.
Forecast forecast(LorentzModel& model, const datasets::Trajectories& test, std::int64_t observed, std::int64_t horizon,
                  int substeps, std::int64_t batch = 50);

struct FieldRecovery {
  nn::FieldMetrics metrics;                // learned B against the true one at the visited points
  std::array<double, 3> mean = {0, 0, 0};  // the mean learned B over those points
  double spread = 0;                       // RMS of B(x) - mean over the points, relative to |true B|
};

// Field models only.
FieldRecovery field_recovery(LorentzModel& model, const LorentzData& data, std::int64_t every = 4);

}  // namespace dg::lorentz_field
