// Forecasts and field recovery of the lorentz_field experiment (evaluate.hpp).
#include "examples/lorentz_field/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "examples/common/frame_rows.hpp"
#include "nn/graph/graph_batch.hpp"

namespace dg::lorentz_field {

Forecast forecast(LorentzModel& model, const datasets::Trajectories& test, std::int64_t observed, std::int64_t horizon,
                  int substeps, std::int64_t batch) {
  const std::int64_t S = test.sims, N = test.particles, d = test.dim, H = horizon;
  const std::size_t per_sim = static_cast<std::size_t>(H * N * d);
  std::vector<double> px(static_cast<std::size_t>(S) * per_sim, std::numeric_limits<double>::quiet_NaN()), pv = px;
  std::vector<double> tx(px.size()), tv(px.size());
  for (std::int64_t s = 0; s < S; ++s) {  // the true future: frames observed .. observed + H - 1
    std::copy_n(test.positions_at(s, observed), per_sim,
                tx.begin() + static_cast<std::ptrdiff_t>(s * std::int64_t(per_sim)));
    std::copy_n(test.velocities_at(s, observed), per_sim,
                tv.begin() + static_cast<std::ptrdiff_t>(s * std::int64_t(per_sim)));
  }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  for (std::int64_t first = 0; first < S; first += batch) {
    const std::int64_t count = std::min(batch, S - first);
    const nn::GraphBatch g = nn::fully_connected(count, N);
    Tensor<float> charges(Shape{count * N, 1});
    for (std::int64_t k = 0; k < count * N; ++k)
      charges[k] = static_cast<float>(test.charges[std::size_t(first * N + k)]);
    Tensor<float> x = examples::frame_rows(test.positions, test, first, count, observed - 1);   // (count*N, d)
    Tensor<float> v = examples::frame_rows(test.velocities, test, first, count, observed - 1);  // (count*N, d)
    try {
      for (std::int64_t k = 0; k < H; ++k) {
        // One frame per tape, as field_discovery's forecast: the state leaves the tape after each
        // frame (the same floats go back in, so the bits are those of one long rollout), and memory
        // is that of one frame's substeps, not of all H frames (806 MB for the default run).
        tape.reset();
        const Var<float> q = tape.constant(charges);
        rollout(tape, model, g, tape.constant(x), tape.constant(v), q, edge_charge_products(g, q), test.dt_frame,
                substeps, 1, [&](int, const Var<float>& xn, const Var<float>& vn) {
                  std::copy(xn.data(), xn.data() + x.numel(), x.data());
                  std::copy(vn.data(), vn.data() + v.numel(), v.data());
                });
        for (std::int64_t s = 0; s < count; ++s)
          for (std::int64_t j = 0; j < N * d; ++j) {
            const std::size_t at = static_cast<std::size_t>((first + s) * H * N * d + k * N * d + j);
            px[at] = x[s * N * d + j];
            pv[at] = v[s * N * d + j];
          }
      }
    } catch (const integrators::NonFiniteStateError&) {
      // The integrator stops on a NaN or Inf: the frames not reached stay NaN.
    }
  }
  Forecast f{.observed = observed,
             .horizon = H,
             .paper = nn::forecast_metrics({.sims = S, .steps = H, .particles = N, .dim = d}, px, pv, tx, tv)};
  for (std::int64_t s = 0; s < S; ++s)
    if (std::any_of(px.begin() + s * std::int64_t(per_sim), px.begin() + (s + 1) * std::int64_t(per_sim),
                    [](double x) { return !std::isfinite(x); }))
      ++f.diverged;
  f.finite = f.diverged == 0;
  return f;
}

FieldRecovery field_recovery(LorentzModel& model, const LorentzData& data, std::int64_t every) {
  const datasets::Trajectories& t = data.test;
  std::vector<float> points;
  for (std::int64_t s = 0; s < t.sims; ++s)
    for (std::int64_t f = 0; f < t.frames; f += every) {
      const double* x = t.positions_at(s, f);
      for (std::int64_t k = 0; k < t.particles * 3; ++k) points.push_back(static_cast<float>(x[k]));
    }
  const index_t P = static_cast<index_t>(points.size() / 3);
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const Var<float> B = model.field(tape, tape.constant(Tensor<float>(Shape{P, 3}, std::move(points))));
  Tensor<double> truth(Shape{P, 3}), learned(Shape{P, 3});
  FieldRecovery r;
  for (index_t i = 0; i < P; ++i)
    for (index_t c = 0; c < 3; ++c) {
      truth(i, c) = data.magnetic[std::size_t(c)];
      learned(i, c) = B.data()[i * 3 + c];
      r.mean[std::size_t(c)] += learned(i, c) / double(P);
    }
  double spread = 0, norm2 = 0;
  for (index_t i = 0; i < P; ++i)
    for (index_t c = 0; c < 3; ++c) spread += std::pow(learned(i, c) - r.mean[std::size_t(c)], 2) / double(P);
  for (double b : data.magnetic) norm2 += b * b;
  r.spread = std::sqrt(spread / norm2);
  r.metrics = nn::field_metrics(truth, learned);
  return r;
}

}  // namespace dg::lorentz_field
