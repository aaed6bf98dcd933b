// Forecasts and field recovery of the gravity_field models (evaluate.hpp).
#include "examples/gravity_field/evaluate.hpp"

#include <algorithm>
#include <cmath>

#include "autodiff/ops.hpp"

namespace dg::gravity_field {

std::vector<double> forecast_errors(GravityModel* m, const Split& d, std::int64_t observed, std::int64_t horizon,
                                    int substeps, std::int64_t stride) {
  const index_t S = d.traj.sims, n = d.traj.particles, R = S * n;
  const nn::GraphBatch g = nn::fully_connected(S, n);
  Tensor<float> x(Shape{R, kD}), v(Shape{R, kD});
  for (index_t s = 0; s < S; ++s)
    for (index_t c = 0; c < n * kD; ++c) {
      x[s * n * kD + c] = float(d.traj.positions_at(s, observed - 1)[c]);
      v[s * n * kD + c] = float(d.traj.velocities_at(s, observed - 1)[c]);
    }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  Tensor<float> code_rows;
  if (m && m->with_field()) {
    std::vector<std::int64_t> sims(static_cast<std::size_t>(S));
    for (index_t s = 0; s < S; ++s) sims[std::size_t(s)] = s;
    const Context c = context_of(d, sims, observed, stride);
    const Var<float> rows = rows_of(m->codes(tape, c.rows, c.graph, S), S, n);
    code_rows = Tensor<float>(rows.shape(), std::vector<float>(rows.data(), rows.data() + rows.numel()));
  }
  auto accel = [&](Tensor<float>& out) {
    if (!m) {
      out.fill(0.0f);
      return;
    }
    tape.reset();
    const Var<float> a = m->accel(tape, g, tape.constant(x), m->with_field() ? tape.constant(code_rows) : Var<float>{});
    std::copy(a.data(), a.data() + a.numel(), out.data());
  };
  const double h = d.traj.dt_frame / substeps;
  Tensor<float> a(Shape{R, kD});
  accel(a);
  std::vector<double> err;
  for (std::int64_t k = 1; k <= horizon; ++k) {
    for (int sub = 0; sub < substeps; ++sub) {
      for (index_t i = 0; i < R * kD; ++i) v[i] += float(0.5 * h) * a[i], x[i] += float(h) * v[i];
      accel(a);
      for (index_t i = 0; i < R * kD; ++i) v[i] += float(0.5 * h) * a[i];
    }
    double e = 0;
    for (index_t s = 0; s < S; ++s)
      for (index_t i = 0; i < n; ++i) {
        const double* truth = d.traj.positions_at(s, observed - 1 + k) + i * kD;
        double sq = 0;
        for (index_t j = 0; j < kD; ++j) sq += (x(s * n + i, j) - truth[j]) * (x(s * n + i, j) - truth[j]);
        e += std::sqrt(sq);
      }
    err.push_back(e / double(R));
  }
  return err;
}

void true_field(const double* h, const double* p, double GM, double eps, double* out) {
  double r2 = eps * eps;
  for (index_t j = 0; j < kD; ++j) r2 += (h[j] - p[j]) * (h[j] - p[j]);
  for (index_t j = 0; j < kD; ++j) out[j] = GM * (h[j] - p[j]) / (r2 * std::sqrt(r2));
}

FieldRecovery field_recovery(GravityModel& field_model, const GravityData& data, std::int64_t observed,
                             std::int64_t stride, std::uint64_t seed) {
  const Split& test_d = data.test;
  FieldRecovery out;
  const index_t S = test_d.traj.sims, P = 64;
  std::vector<std::int64_t> sims(static_cast<std::size_t>(S));
  for (index_t s = 0; s < S; ++s) sims[std::size_t(s)] = s;
  Tensor<float> pts(Shape{S * P, kD});
  std::vector<double> truth(static_cast<std::size_t>(S * P * kD));
  Philox prng(seed, 9);
  for (index_t s = 0; s < S; ++s)
    for (index_t k = 0; k < P; ++k) {
      double dir[kD], norm = 0, p[kD];
      for (double& c : dir) c = prng.normal(), norm += c * c;
      const double r = prng.uniform(0.3, 2.0);
      for (index_t j = 0; j < kD; ++j) p[j] = test_d.heavy[std::size_t(s * kD + j)] + r * dir[j] / std::sqrt(norm);
      for (index_t j = 0; j < kD; ++j) pts(s * P + k, j) = float(p[j]);
      true_field(&test_d.heavy[std::size_t(s * kD)], p, data.GM, data.eps, &truth[std::size_t((s * P + k) * kD)]);
    }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const Context c = context_of(test_d, sims, observed, stride);
  const Var<float> E = field_model.field(tape, tape.constant(pts), rows_of(field_model.codes(tape, c.rows, c.graph, S), S, P));
  Tensor<double> learned(Shape{S * P, kD}), expected(Shape{S * P, kD}, truth);  // (S*P, d)
  for (index_t q = 0; q < S * P; ++q)
    for (index_t j = 0; j < kD; ++j) learned(q, j) = E(q, j);
  out.metrics = nn::field_metrics(expected, learned);
  return out;
}

FieldPlane field_plane(GravityModel& field_model, const GravityData& data, std::int64_t observed, std::int64_t stride) {
  const index_t G = 17;
  const double* h = &data.test.heavy[0];
  Tensor<float> pts(Shape{G * G, kD});
  FieldPlane out;
  out.heavy_x = h[0], out.heavy_y = h[1];
  for (index_t i = 0; i < G; ++i) out.xs.push_back(h[0] - 2 + 4.0 * double(i) / double(G - 1));
  for (index_t j = 0; j < G; ++j) out.ys.push_back(h[1] - 2 + 4.0 * double(j) / double(G - 1));
  for (index_t j = 0; j < G; ++j)
    for (index_t i = 0; i < G; ++i) {
      const double p[kD] = {out.xs[std::size_t(i)], out.ys[std::size_t(j)], h[2]};
      double e[kD];
      true_field(h, p, data.GM, data.eps, e);
      out.true_u.push_back(e[0]), out.true_v.push_back(e[1]);
      for (index_t c = 0; c < kD; ++c) pts(j * G + i, c) = float(p[c]);
    }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const std::int64_t sim0[] = {0};
  const Context c = context_of(data.test, sim0, observed, stride);
  const Var<float> E = field_model.field(tape, tape.constant(pts), field_model.codes(tape, c.rows, c.graph, 1));
  for (index_t q = 0; q < G * G; ++q) out.learned_u.push_back(E(q, 0)), out.learned_v.push_back(E(q, 1));
  return out;
}

}  // namespace dg::gravity_field
