// Forecast errors and field-recovery measures of the field-discovery experiment (evaluate.hpp).
#include "examples/field_discovery/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "datasets/error.hpp"
#include "examples/common/frame_rows.hpp"
#include "nn/graph/graph_batch.hpp"
#include "physics/physics.hpp"
#include "physics/tape_forces.hpp"

namespace dg::field_discovery {

namespace {

// The q-quantile of x (q in [0, 1]), by the nearest rank.
double quantile(std::vector<double> x, double q) {
  const auto k = static_cast<std::size_t>(std::llround(q * static_cast<double>(x.size() - 1)));
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k), x.end());
  return x[k];
}

}  // namespace

std::vector<double> future_frames(const std::vector<double>& values, const datasets::Trajectories& t,
                                  std::int64_t observed, std::int64_t horizon) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(t.sims * horizon * t.particles * t.dim));
  for (std::int64_t s = 0; s < t.sims; ++s) {  // frames of a simulation are contiguous
    const double* first = values.data() + t.frame_offset(s, observed);
    out.insert(out.end(), first, first + horizon * t.particles * t.dim);
  }
  return out;
}

namespace {

// The forecasts of roll(tape, g, q0, v0, charges, frames, on_frame) (a rollout of `count` systems).
template <class Roll>
Forecast forecast_with(Roll&& roll, const datasets::Trajectories& test, std::int64_t observed, std::int64_t horizon,
                       std::int64_t batch) {
  const std::int64_t S = test.sims, N = test.particles, d = test.dim, H = horizon;
  Forecast f;
  f.step_error.assign(static_cast<std::size_t>(H), 0.0);
  f.positions.assign(static_cast<std::size_t>(S * H * N * d), std::numeric_limits<double>::quiet_NaN());
  f.velocities = f.positions;
  f.sims = S, f.horizon = H, f.particles = N, f.dim = d;
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  double squared = 0;
  std::int64_t reached = H;  // every simulation's forecast is complete up to this step
  for (std::int64_t first = 0; first < S; first += batch) {
    const std::int64_t count = std::min(batch, S - first);
    const nn::GraphBatch g = nn::fully_connected(count, N);
    Tensor<float> charges(Shape{count * N, 1});
    for (std::int64_t k = 0; k < count * N; ++k)
      charges[k] = static_cast<float>(test.charges[static_cast<std::size_t>(first * N + k)]);
    Tensor<float> q = examples::frame_rows(test.positions, test, first, count, observed - 1);   // (count*N, d)
    Tensor<float> v = examples::frame_rows(test.velocities, test, first, count, observed - 1);  // (count*N, d)
    std::int64_t frames_done = 0;
    try {
      for (std::int64_t k = 0; k < H; ++k) {
        // One frame per tape: the state leaves the tape after each frame (the same floats go
        // back in, so the bits are those of one long rollout), and memory stays that of one
        // frame's substeps, not of all H frames (1.8 GB for the default run's batches of 250).
        tape.reset();
        roll(tape, g, tape.constant(q), tape.constant(v), tape.constant(charges), 1,
             [&](int, const Var<float>& qn, const Var<float>& vn) {
               std::copy(qn.data(), qn.data() + q.numel(), q.data());
               std::copy(vn.data(), vn.data() + v.numel(), v.data());
             });
        for (std::int64_t s = 0; s < count; ++s)
          for (std::int64_t i = 0; i < N; ++i) {
            const double* truth = test.positions_at(first + s, observed + k) + i * d;
            double e2 = 0;
            for (std::int64_t c = 0; c < d; ++c) {
              const double pred = q[(s * N + i) * d + c];
              const auto at = static_cast<std::size_t>((((first + s) * H + k) * N + i) * d + c);
              f.positions[at] = pred;
              f.velocities[at] = v[(s * N + i) * d + c];
              e2 += (pred - truth[c]) * (pred - truth[c]);
            }
            f.step_error[static_cast<std::size_t>(k)] += std::sqrt(e2);
            squared += e2;
          }
        frames_done = k + 1;
      }
    } catch (const integrators::NonFiniteStateError& e) {
      if (f.finite) {
        f.finite = false;
        f.diverged_step = frames_done + 1;
        f.divergence = e.what();
        // "... at particle <row>, ...": the row of the batch names the simulation.
        const std::string what = e.what();
        const std::size_t at = what.find("at particle ");
        if (at != std::string::npos) f.diverged_sim = first + std::atoll(what.c_str() + at + 12) / N;
      }
      reached = std::min(reached, frames_done);
    }
  }
  for (double& e : f.step_error) e /= static_cast<double>(S * N);
  f.mse = squared / static_cast<double>(S * N * H * d);
  if (reached < H) {  // a rollout diverged: what it did not reach is unknown, not 0
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::int64_t k = reached; k < H; ++k) f.step_error[static_cast<std::size_t>(k)] = nan;
    f.mse = nan;
  }
  for (double e : f.step_error) f.finite = f.finite && std::isfinite(e);
  f.paper = nn::forecast_metrics({S, H, N, d}, f.positions, f.velocities, future_frames(test.positions, test, observed, H),
                                 future_frames(test.velocities, test, observed, H));
  return f;
}

}  // namespace

Forecast forecast(DynamicsModel& model, const datasets::Trajectories& test, std::int64_t observed, std::int64_t horizon,
                  int substeps, std::int64_t batch) {
  auto roll = [&](Tape<float>& tape, const nn::GraphBatch& g, Var<float> q0, Var<float> v0, Var<float> charges,
                  int frames, auto&& on_frame) {
    rollout(tape, model, g, q0, v0, charges, test.dt_frame, substeps, frames, on_frame);
  };
  return forecast_with(roll, test, observed, horizon, batch);
}

Forecast forecast_true_physics(const ElectrostaticData& data, std::int64_t observed, std::int64_t horizon, int substeps,
                               std::int64_t batch) {
  const datasets::Trajectories& test = data.test;
  auto roll = [&](Tape<float>&, const nn::GraphBatch& g, Var<float> q0, Var<float> v0, Var<float> charges, int frames,
                  auto&& on_frame) {  // the ops record on the tape their inputs were made on
    const physics::PairList pairs = physics::PairList::all_pairs(test.particles, g.num_graphs);
    auto acceleration = [&](const Var<float>& q) {  // unit masses
      const Var<float> F =
          physics::coulomb_forces(q, charges, pairs, data.coulomb_k) +
          physics::source_forces(q, charges, data.source_positions, data.source_charges, data.coulomb_k);
      return physics::capped(F, physics::ForceCap::norm(data.force_cap));
    };
    integrate(acceleration, q0, v0, test.dt_frame, substeps, frames, on_frame);
  };
  return forecast_with(roll, test, observed, horizon, batch);
}

const char* true_part_name(TruePart part) {
  return part == TruePart::SourceField ? "true_source_field" : "true_pair_forces";
}

Forecast forecast_with_true_part(DynamicsModel& model, const ElectrostaticData& data, TruePart part,
                                 std::int64_t observed, std::int64_t horizon, int substeps, std::int64_t batch) {
  if (model.options().kind != ModelKind::Field && model.options().kind != ModelKind::FieldSources)
    throw std::invalid_argument(std::string("forecast_with_true_part: only the field models have the two parts (got ") +
                                model_name(model.options().kind) + ")");
  const datasets::Trajectories& test = data.test;
  auto roll = [&](Tape<float>& tape, const nn::GraphBatch& g, Var<float> q0, Var<float> v0, Var<float> charges,
                  int frames, auto&& on_frame) {
    const physics::PairList pairs = physics::PairList::all_pairs(test.particles, g.num_graphs);
    const Var<float> charge_products = edge_charge_products(g, charges);  // (E, 1)
    auto acceleration = [&](const Var<float>& q) {                        // unit masses
      const Var<float> a =
          part == TruePart::SourceField
              ? model.interactions(tape, g, q, charges, charge_products) +
                    physics::source_forces(q, charges, data.source_positions, data.source_charges, data.coulomb_k)
              : physics::coulomb_forces(q, charges, pairs, data.coulomb_k) + charges * model.field(tape, q);
      return physics::capped(a, physics::ForceCap::norm(model.options().accel_cap));
    };
    integrate(acceleration, q0, v0, test.dt_frame, substeps, frames, on_frame);
  };
  return forecast_with(roll, test, observed, horizon, batch);
}

FieldGrid make_field_grid(const ElectrostaticData& data, index_t G, double exclusion) {
  const datasets::Trajectories& t = density_positions(data);
  // The true field is the sources' field: a NaN there would only surface after training.
  for (const auto* array : {&data.source_positions, &data.source_charges})
    for (index_t k = 0; k < array->numel(); ++k)
      if (!std::isfinite((*array)[k]))
        throw datasets::DatasetError(t.source + ": " +
                                     (array == &data.source_positions ? "source_positions" : "source_charges") +
                                     " holds " + std::to_string((*array)[k]) + " at element " + std::to_string(k) +
                                     " (the true field cannot be evaluated)");
  FieldGrid grid;
  std::vector<double> coord[2];
  for (int c = 0; c < 2; ++c) {
    for (std::size_t k = static_cast<std::size_t>(c); k < t.positions.size(); k += 2) coord[c].push_back(t.positions[k]);
    const double lo = quantile(coord[c], 0.01), hi = quantile(coord[c], 0.99);
    std::vector<double>& axis = c == 0 ? grid.xs : grid.ys;
    for (index_t i = 0; i < G; ++i) axis.push_back(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(G - 1));
  }
  const index_t P = G * G;
  grid.points = Tensor<double>(Shape{P, 2});
  for (index_t j = 0; j < G; ++j)
    for (index_t i = 0; i < G; ++i) {
      grid.points[2 * (j * G + i)] = grid.xs[static_cast<std::size_t>(i)];
      grid.points[2 * (j * G + i) + 1] = grid.ys[static_cast<std::size_t>(j)];
    }
  // The true field on a unit positive charge, capped like the data's forces.
  grid.truth = Tensor<double>::zeros(Shape{P, 2});
  physics::PointSources::charges(data.source_positions, data.source_charges, Tensor<double>::full(Shape{1}, 1.0),
                                 data.coulomb_k)
      .field_at(grid.points, grid.truth);
  physics::apply_cap(physics::ForceCap::norm(data.force_cap), grid.truth);
  // Leave out the neighbourhoods of the sources.
  grid.keep.assign(static_cast<std::size_t>(P), 1.0);
  for (index_t p = 0; p < P; ++p)
    for (index_t s = 0; s < data.source_positions.shape()[0]; ++s) {
      const double dx = grid.points[2 * p] - data.source_positions[2 * s];
      const double dy = grid.points[2 * p + 1] - data.source_positions[2 * s + 1];
      if (dx * dx + dy * dy < exclusion * exclusion) grid.keep[static_cast<std::size_t>(p)] = 0;
    }
  // Density: every training position counted at its nearest grid point (inside the box).
  grid.density.assign(static_cast<std::size_t>(P), 0.0);
  const double x0 = grid.xs.front(), dx = grid.xs[1] - grid.xs[0], y0 = grid.ys.front(), dy = grid.ys[1] - grid.ys[0];
  for (std::size_t k = 0; k < coord[0].size(); ++k) {
    const auto i = static_cast<index_t>(std::llround((coord[0][k] - x0) / dx));
    const auto j = static_cast<index_t>(std::llround((coord[1][k] - y0) / dy));
    if (i >= 0 && i < G && j >= 0 && j < G) grid.density[static_cast<std::size_t>(j * G + i)] += 1;
  }
  return grid;
}

Tensor<double> learned_field(DynamicsModel& model, const FieldGrid& grid) {
  const index_t P = grid.points.shape()[0];
  Tensor<float> points(Shape{P, 2});
  for (index_t k = 0; k < 2 * P; ++k) points[k] = static_cast<float>(grid.points[k]);
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const Var<float> E = model.field(tape, tape.constant(points));  // (P, 2)
  Tensor<double> out(Shape{P, 2});
  for (index_t k = 0; k < 2 * P; ++k) out[k] = static_cast<double>(E.data()[k]);
  return out;
}

FieldMetrics field_metrics(const FieldGrid& grid, const Tensor<double>& learned) {
  return nn::field_metrics(grid.truth, learned, grid.density, grid.keep);
}

}  // namespace dg::field_discovery
