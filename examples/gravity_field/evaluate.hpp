// Evaluation of the gravity_field models.
//
// Forecasts: from the last observed frame, every test simulation at once, velocity Verlet with
// `substeps` per frame; the mean L2 position error after each of 1 .. horizon frames.
// Field recovery: 64 random points per test simulation at distance 0.3 .. 2 from its heavy mass;
// the learned field (with that simulation's code) against the heavy mass's true field, by
// nn::field_metrics (nn/field/field_metrics.hpp): the median cosine, the relative L2 error and the
// best-fit scale (1: the field in physical units, acceleration per unit mass).
#pragma once

#include <vector>

#include "examples/gravity_field/model.hpp"
#include "nn/field/field_metrics.hpp"

namespace dg::gravity_field {

// Mean L2 position error at forecast steps 1..horizon; model null: constant velocity.
std::vector<double> forecast_errors(GravityModel* m, const Split& d, std::int64_t observed, std::int64_t horizon,
                                    int substeps, std::int64_t stride);

// The heavy mass's true field at p (per unit mass): G M (h - p) / (|h - p|^2 + eps^2)^(3/2); h, p, out (d).
void true_field(const double* h, const double* p, double GM, double eps, double* out);

struct FieldRecovery {
  nn::FieldMetrics metrics;  // over the S * 64 points, each counting 1
};
FieldRecovery field_recovery(GravityModel& field_model, const GravityData& data, std::int64_t observed,
                             std::int64_t stride, std::uint64_t seed);

// The learned field of test simulation 0 and the true one on a G x G grid in the plane
// z = z_heavy, 2 around the mass (for field.svg).
struct FieldPlane {
  std::vector<double> xs, ys;                      // (G), (G)
  std::vector<double> learned_u, learned_v;        // (G*G) point j*G + i = (xs[i], ys[j])
  std::vector<double> true_u, true_v;              // (G*G)
  double heavy_x = 0, heavy_y = 0;                 // the heavy mass
};
FieldPlane field_plane(GravityModel& field_model, const GravityData& data, std::int64_t observed, std::int64_t stride);

}  // namespace dg::gravity_field
