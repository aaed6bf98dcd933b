// Forecasts, field recovery and the search for the hidden mass (evaluate.hpp).
#include "examples/gravity_field/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "examples/common/frame_rows.hpp"
#include "nn/field/field_derivatives.hpp"
#include "nn/field/source_recovery.hpp"
#include "physics/physics.hpp"
#include "physics/tape_forces.hpp"

namespace dg::gravity_field {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Codes of simulations [first, first + count) on `tape`: rows of `given` (S, Z) when not null, else
// the encoder's.
Var<float> codes_on(Tape<float>& tape, GravityModel& model, const datasets::Trajectories& t, std::int64_t first,
                    std::int64_t count, std::int64_t observed, std::int64_t stride,
                    const Tensor<float>* given = nullptr) {
  if (given) {
    const index_t Z = given->shape()[1];
    if (given->shape()[0] != t.sims)
      throw std::invalid_argument("gravity_field: " + std::to_string(given->shape()[0]) + " codes for " +
                                  std::to_string(t.sims) + " simulations");
    return tape.constant(Shape{count, Z}, given->data() + first * Z);
  }
  return encoder_codes(tape, model, t, first, count, observed, stride);
}

// 1 at the points (P, d) within `reach` of a position simulation s took in frames 0 .. observed - 1.
std::vector<double> reach_weights(const datasets::Trajectories& t, std::int64_t s, std::int64_t observed,
                                  const Tensor<double>& points, double reach) {
  const index_t P = points.shape()[0];
  std::vector<double> weights(static_cast<std::size_t>(P), 0.0);
  for (index_t p = 0; p < P; ++p)
    for (std::int64_t f = 0; f < observed && weights[static_cast<std::size_t>(p)] == 0; ++f)
      for (std::int64_t i = 0; i < t.particles; ++i) {
        const double* x = t.positions_at(s, f) + i * kD;
        double d2 = 0;
        for (index_t c = 0; c < kD; ++c) d2 += (x[c] - points(p, c)) * (x[c] - points(p, c));
        if (d2 <= reach * reach) weights[static_cast<std::size_t>(p)] = 1.0;
      }
  return weights;
}

// The recovered source of largest positive mass (q = -m), if any.
std::optional<nn::PointSource> heaviest(const nn::SourceRecovery& r) {
  std::optional<nn::PointSource> best;
  for (const nn::PointSource& src : r.sources)
    if (-src.charge > 0 && (!best || -src.charge > -best->charge)) best = src;
  return best;
}

}  // namespace

std::vector<double> future_frames(const std::vector<double>& values, const datasets::Trajectories& t,
                                  std::int64_t observed, std::int64_t horizon) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(t.sims * horizon * t.particles * kD));
  for (std::int64_t s = 0; s < t.sims; ++s) {
    const double* first = values.data() + t.frame_offset(s, observed);
    out.insert(out.end(), first, first + horizon * t.particles * kD);
  }
  return out;
}

namespace {

// One half of a field model's acceleration replaced by the truth (forecast_with_true_part).
struct TrueHalf {
  TruePart part;
  const GravityData* data;
};

// The acceleration of a chunk of simulations (graphs g, their pairs, each row's hidden mass) with
// one half of the model true, in the model's order: interactions, then the field, then the cap.
Var<float> chunk_acceleration(Tape<float>& tape, GravityModel& model, const TrueHalf& truth, const nn::GraphBatch& g,
                              const physics::PairList& pairs, const Var<float>& hidden_rows, const Var<float>& x,
                              const Var<float>& codes) {
  const GravityData& d = *truth.data;
  Var<float> a;
  if (truth.part == TruePart::HiddenMassField) {   // G M (h - x) / (|h - x|^2 + eps^2)^(3/2)
    const Var<float> to_hidden = hidden_rows - x;  // (M, d)
    a = model.interactions(tape, g, x) +
        (d.G * d.heavy_mass) * to_hidden * pow(row_dot(to_hidden, to_hidden) + d.softening * d.softening, -1.5);
  } else {
    const Var<float> masses = tape.constant(Tensor<float>::full(Shape{x.shape()[0], 1}, 1.0f));  // (M, 1)
    a = physics::gravity_forces(x, masses, pairs, d.G, d.softening) + model.field(tape, x, codes);
  }
  return physics::capped(a, physics::ForceCap::norm(model.options().accel_cap));
}

Forecast forecast_impl(GravityModel* model, const datasets::Trajectories& test, std::int64_t observed,
                       std::int64_t horizon, int substeps, std::int64_t stride, std::int64_t batch,
                       const TrueHalf* truth, const Tensor<float>* given_codes) {
  const std::int64_t S = test.sims, N = test.particles, H = horizon;
  Forecast f;
  f.step_error.assign(static_cast<std::size_t>(H), 0.0);
  f.positions.assign(static_cast<std::size_t>(S * H * N * kD), kNaN);
  f.velocities = f.positions;
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  std::int64_t reached = H;
  for (std::int64_t first = 0; first < S; first += batch) {
    const std::int64_t count = std::min(batch, S - first);
    tape.reset();
    const Tensor<float> x0 = examples::frame_rows(test.positions, test, first, count, observed - 1);   // (count*N, d)
    const Tensor<float> v0 = examples::frame_rows(test.velocities, test, first, count, observed - 1);  // (count*N, d)
    auto record = [&](int k, const float* x, const float* v) {
      for (std::int64_t s = 0; s < count; ++s)
        for (std::int64_t i = 0; i < N; ++i) {
          const double* truth = test.positions_at(first + s, observed + k) + i * kD;
          double e2 = 0;
          for (std::int64_t c = 0; c < kD; ++c) {
            const auto at = static_cast<std::size_t>((((first + s) * H + k) * N + i) * kD + c);
            f.positions[at] = x[(s * N + i) * kD + c];
            f.velocities[at] = v[(s * N + i) * kD + c];
            e2 += (f.positions[at] - truth[c]) * (f.positions[at] - truth[c]);
          }
          f.step_error[static_cast<std::size_t>(k)] += std::sqrt(e2);
        }
    };
    if (!model) {  // constant velocity
      for (int k = 0; k < H; ++k) {
        Tensor<float> x = x0;
        for (index_t j = 0; j < x.numel(); ++j) x[j] += static_cast<float>(test.dt_frame * (k + 1)) * v0[j];
        record(k, x.data(), v0.data());
      }
      continue;
    }
    std::int64_t frames_done = 0;
    try {
      // The codes of the batch, then each frame in chunks of simulations, one tape each: the state
      // (and the codes) leave the tape after a frame and the same floats go back in, so the bits
      // are those of one long rollout of the batch (a simulation's rollout depends on its own rows
      // alone), and memory is that of one chunk's frame, not of the batch's whole horizon (2.4 GB
      // for the default run). The codes stay per batch: the encoder's rounding depends on it.
      constexpr std::int64_t kChunk = 100;  // simulations per tape
      Tensor<float> codes;                  // (count*N, Z) each particle's simulation code
      if (model->has_code()) {
        const Var<float> z =
            code_rows(codes_on(tape, *model, test, first, count, observed, stride, given_codes), count, N);
        codes = Tensor<float>(z.shape(), std::vector<float>(z.data(), z.data() + z.numel()));
      }
      const index_t Z = model->has_code() ? codes.shape()[1] : 0;
      Tensor<float> x = x0, v = v0;  // (count*N, d)
      for (int k = 0; k < H; ++k) {
        for (std::int64_t c0 = 0; c0 < count; c0 += kChunk) {
          const std::int64_t n = std::min(kChunk, count - c0), rows = n * N;
          float* xc = x.data() + c0 * N * kD;  // (n*N, d) this chunk's rows
          float* vc = v.data() + c0 * N * kD;
          tape.reset();
          const nn::GraphBatch g = nn::fully_connected(n, N);
          const Var<float> chunk_codes =
              Z > 0 ? tape.constant(Shape{rows, Z}, codes.data() + c0 * N * Z) : Var<float>{};
          auto keep = [&](int, const Var<float>& xn, const Var<float>& vn) {
            std::copy(xn.data(), xn.data() + rows * kD, xc);
            std::copy(vn.data(), vn.data() + rows * kD, vc);
          };
          const Var<float> x_in = tape.constant(Shape{rows, kD}, xc), v_in = tape.constant(Shape{rows, kD}, vc);
          if (!truth) {
            rollout(tape, *model, g, x_in, v_in, chunk_codes, test.dt_frame, substeps, 1, keep);
            continue;
          }
          Tensor<float> hidden(Shape{rows, kD});  // (n*N, d) each particle's simulation's hidden mass
          for (std::int64_t r = 0; r < rows; ++r)
            for (std::int64_t c = 0; c < kD; ++c)
              hidden[r * kD + c] =
                  static_cast<float>(truth->data->test_heavy[static_cast<std::size_t>((first + c0 + r / N) * kD + c)]);
          const physics::PairList pairs = physics::PairList::all_pairs(N, n);
          const Var<float> hidden_rows = tape.constant(hidden);
          integrate(
              [&](const Var<float>& x) {
                return chunk_acceleration(tape, *model, *truth, g, pairs, hidden_rows, x, chunk_codes);
              },
              x_in, v_in, test.dt_frame, substeps, 1, keep);
        }
        record(k, x.data(), v.data());
        frames_done = k + 1;
      }
    } catch (const integrators::NonFiniteStateError& e) {
      if (f.finite) f.finite = false, f.divergence = e.what();
      reached = std::min(reached, frames_done);
    }
  }
  for (double& e : f.step_error) e /= static_cast<double>(S * N);
  for (std::int64_t k = reached; k < H; ++k) f.step_error[static_cast<std::size_t>(k)] = kNaN;
  f.paper =
      nn::forecast_metrics({S, H, N, kD}, f.positions, f.velocities, future_frames(test.positions, test, observed, H),
                           future_frames(test.velocities, test, observed, H));
  return f;
}

}  // namespace

Forecast forecast(GravityModel* model, const datasets::Trajectories& test, std::int64_t observed, std::int64_t horizon,
                  int substeps, std::int64_t stride, std::int64_t batch, const Tensor<float>* codes) {
  return forecast_impl(model, test, observed, horizon, substeps, stride, batch, nullptr, codes);
}

const char* true_part_name(TruePart part) {
  return part == TruePart::HiddenMassField ? "true_hidden_mass_field" : "true_pair_forces";
}

Forecast forecast_with_true_part(GravityModel& model, const GravityData& data, TruePart part, std::int64_t observed,
                                 std::int64_t horizon, int substeps, std::int64_t stride, std::int64_t batch,
                                 const Tensor<float>* codes) {
  if (!model.has_field())
    throw std::invalid_argument("forecast_with_true_part: the no_field model has no field to replace or keep");
  const TrueHalf truth{part, &data};
  return forecast_impl(&model, data.test, observed, horizon, substeps, stride, batch, &truth, codes);
}

std::vector<double> closest_approach(const GravityData& data, std::int64_t observed, std::int64_t horizon) {
  const datasets::Trajectories& t = data.test;
  std::vector<double> out(static_cast<std::size_t>(t.sims), std::numeric_limits<double>::infinity());
  for (std::int64_t s = 0; s < t.sims; ++s)
    for (std::int64_t f = observed; f < std::min(observed + horizon, t.frames); ++f)
      for (std::int64_t i = 0; i < t.particles; ++i) {
        const double* x = t.positions_at(s, f) + i * kD;
        const double* h = data.test_heavy.data() + s * kD;
        double d2 = 0;
        for (std::int64_t c = 0; c < kD; ++c) d2 += (x[c] - h[c]) * (x[c] - h[c]);
        out[static_cast<std::size_t>(s)] = std::min(out[static_cast<std::size_t>(s)], std::sqrt(d2));
      }
  return out;
}

Forecast forecast_true_forces(const GravityData& data, std::int64_t observed, std::int64_t horizon, int substeps) {
  const datasets::Trajectories& t = data.test;
  const std::int64_t S = t.sims, N = t.particles, H = horizon;
  Forecast f;
  f.step_error.assign(static_cast<std::size_t>(H), 0.0);
  f.positions.resize(static_cast<std::size_t>(S * H * N * kD));
  f.velocities.resize(f.positions.size());
  const Tensor<double> masses = Tensor<double>::full(Shape{N}, 1.0);
  const integrators::VelocityVerlet scheme{.dt = t.dt_frame / substeps};
  for (std::int64_t s = 0; s < S; ++s) {
    Tensor<double> hidden(Shape{1, kD});
    for (std::int64_t c = 0; c < kD; ++c) hidden[c] = data.test_heavy[static_cast<std::size_t>(s * kD + c)];
    physics::ForceModel forces(masses);
    forces.add(physics::Gravity(masses, {.G = data.G, .softening = data.softening}));
    forces.add(physics::PointSources::masses(hidden, Tensor<double>::full(Shape{1}, data.heavy_mass), masses, data.G,
                                             data.softening));
    Tensor<double> x(Shape{N, kD}), v(Shape{N, kD});
    std::copy(t.positions_at(s, observed - 1), t.positions_at(s, observed - 1) + N * kD, x.data());
    std::copy(t.velocities_at(s, observed - 1), t.velocities_at(s, observed - 1) + N * kD, v.data());
    auto state = integrators::make_state(x, v);
    integrators::Workspace<Tensor<double>> ws;
    integrators::init(scheme, state, forces, ws);
    for (std::int64_t k = 0; k < H; ++k) {
      integrators::run(scheme, state, forces, integrators::OpenBoundary{}, ws, substeps);
      for (std::int64_t i = 0; i < N; ++i) {
        const double* truth = t.positions_at(s, observed + k) + i * kD;
        double e2 = 0;
        for (std::int64_t c = 0; c < kD; ++c) {
          const auto at = static_cast<std::size_t>(((s * H + k) * N + i) * kD + c);
          f.positions[at] = state.q(i, c), f.velocities[at] = state.v(i, c);
          e2 += (state.q(i, c) - truth[c]) * (state.q(i, c) - truth[c]);
        }
        f.step_error[static_cast<std::size_t>(k)] += std::sqrt(e2) / static_cast<double>(S * N);
      }
    }
  }
  f.paper = nn::forecast_metrics({S, H, N, kD}, f.positions, f.velocities, future_frames(t.positions, t, observed, H),
                                 future_frames(t.velocities, t, observed, H));
  return f;
}

Tensor<float> codes_of(GravityModel& model, const datasets::Trajectories& t, std::int64_t observed,
                       std::int64_t stride) {
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const Var<float> z = codes_on(tape, model, t, 0, t.sims, observed, stride);
  return Tensor<float>(z.shape(), std::vector<float>(z.data(), z.data() + z.numel()));
}

nn::FieldMetrics field_recovery(GravityModel& model, const GravityData& data, std::int64_t observed,
                                std::int64_t stride, std::uint64_t seed, index_t P, const Tensor<float>* given) {
  const datasets::Trajectories& t = data.test;
  const index_t S = t.sims;
  Tensor<float> points(Shape{S * P, kD});
  Tensor<double> truth(Shape{S * P, kD}), learned(Shape{S * P, kD});
  Philox rng(seed, 9);
  for (index_t s = 0; s < S; ++s)
    for (index_t k = 0; k < P; ++k) {
      double dir[kD], norm = 0, p[kD];
      for (double& c : dir) c = rng.normal(), norm += c * c;
      const double r = rng.uniform(0.3, 2.0);
      const double* h = &data.test_heavy[static_cast<std::size_t>(s * kD)];
      for (index_t j = 0; j < kD; ++j) p[j] = h[j] + r * dir[j] / std::sqrt(norm), points(s * P + k, j) = float(p[j]);
      true_field(h, p, data.G * data.heavy_mass, data.softening, truth.data() + (s * P + k) * kD);
    }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  Tensor<float> codes;  // (S, Z)
  if (model.has_code()) {
    const Var<float> z = codes_on(tape, model, t, 0, S, observed, stride, given);
    codes = Tensor<float>(z.shape(), std::vector<float>(z.data(), z.data() + z.numel()));
  }
  // The field in batches of simulations, one tape each (each point's value depends on its own row
  // alone: the same bits as one batch of all S * P points, with the memory of one batch).
  constexpr index_t kSims = 25;
  for (index_t first = 0; first < S; first += kSims) {
    const index_t n = std::min(kSims, S - first);
    tape.reset();
    Var<float> code;
    if (model.has_code())
      code = code_rows(tape.constant(Shape{n, codes.shape()[1]}, codes.data() + first * codes.shape()[1]), n, P);
    const Var<float> E = model.field(tape, tape.constant(Shape{n * P, kD}, points.data() + first * P * kD), code);
    std::copy(E.data(), E.data() + n * P * kD, learned.data() + first * P * kD);  // (n*P, d)
  }
  return nn::field_metrics(truth, learned);
}

HiddenMassSearch locate_hidden_mass(GravityModel& model, const GravityData& data, std::int64_t observed,
                                    std::int64_t stride, const LocateOptions& o, const Tensor<float>* given) {
  const auto start = std::chrono::steady_clock::now();
  const datasets::Trajectories& t = data.test;
  const std::int64_t S = o.sims > 0 ? std::min(o.sims, t.sims) : t.sims, G = o.grid, P = G * G * G;
  Tensor<double> points(Shape{P, kD});
  for (index_t p = 0; p < P; ++p)
    for (index_t c = 0, rest = p; c < kD; ++c, rest /= G)
      points(p, c) = -o.half_width + 2 * o.half_width * static_cast<double>(rest % G) / static_cast<double>(G - 1);
  const Tensor<float> codes =
      model.has_code() ? (given ? *given : codes_of(model, t, observed, stride)) : Tensor<float>{};
  const index_t Z = model.has_code() ? codes.shape()[1] : 0;
  nn::SourceRecoveryOptions recover{.strength = data.G,
                                    .softening = data.softening,
                                    .separation = 1.0,
                                    .max_candidates = 6,
                                    .patience = 3,
                                    .exclusion = o.exclusion,
                                    .min_charge_fraction = 0};
  HiddenMassSearch out;
  out.truth.assign(data.test_heavy.begin(), data.test_heavy.begin() + S * kD);
  out.located.assign(static_cast<std::size_t>(S * kD), kNaN);
  out.distance.assign(static_cast<std::size_t>(S), std::numeric_limits<double>::infinity());
  out.mass.assign(static_cast<std::size_t>(S), kNaN);
  // Each simulation's grid points within `reach` of its observed positions (the field is learned only
  // there; the rest would cost the search most of its time), all simulations' in one (sum P_s, d)
  // array: one tape, batches taken in order, row r belonging to simulation owner[r].
  std::vector<std::int64_t> first(static_cast<std::size_t>(S + 1), 0);  // simulation s: rows [first[s], first[s + 1])
  std::vector<double> kept;
  std::vector<std::int32_t> owner;
  for (std::int64_t s = 0; s < S; ++s) {
    const std::vector<double> near = reach_weights(t, s, observed, points, o.reach);
    for (index_t p = 0; p < P; ++p)
      if (near[static_cast<std::size_t>(p)] > 0)
        kept.insert(kept.end(), points.data() + p * kD, points.data() + (p + 1) * kD),
            owner.push_back(static_cast<std::int32_t>(s));
    first[static_cast<std::size_t>(s + 1)] = static_cast<std::int64_t>(owner.size());
  }
  const auto rows = static_cast<index_t>(owner.size());
  if (rows == 0) throw std::invalid_argument("locate_hidden_mass: no grid point within reach of the particles");
  Tensor<double> all_points(Shape{rows, kD}, std::move(kept));
  index_t seen = 0;
  const nn::FieldFunction<float> field = [&](Tape<float>& tape, Var<float> x) {
    const index_t n = x.shape()[0];
    Var<float> code;
    if (Z > 0) code = gather_rows(tape.constant(codes), std::span<const std::int32_t>(owner).subspan(seen, n));
    seen += n;
    return model.field(tape, x, code);
  };
  const nn::FieldDerivatives D = nn::field_derivatives<float>(field, all_points, 1024);
  for (std::int64_t s = 0; s < S; ++s) {
    const index_t a = first[static_cast<std::size_t>(s)], n = first[static_cast<std::size_t>(s + 1)] - a;
    if (n == 0) continue;
    Tensor<double> near(Shape{n, kD}), values(Shape{n, kD}), divergence(Shape{n});
    std::copy(all_points.data() + a * kD, all_points.data() + (a + n) * kD, near.data());
    std::copy(D.values.data() + a * kD, D.values.data() + (a + n) * kD, values.data());
    std::copy(D.divergence.data() + a, D.divergence.data() + a + n, divergence.data());
    std::optional<nn::PointSource> best = heaviest(nn::recover_sources(near, values, divergence, {}, recover));
    if (!best) continue;
    double d2 = 0;
    for (index_t c = 0; c < kD; ++c) {
      out.located[static_cast<std::size_t>(s * kD + c)] = best->position[static_cast<std::size_t>(c)];
      const double e = best->position[static_cast<std::size_t>(c)] - out.truth[static_cast<std::size_t>(s * kD + c)];
      d2 += e * e;
    }
    out.distance[static_cast<std::size_t>(s)] = std::sqrt(d2);
    out.mass[static_cast<std::size_t>(s)] = -best->charge;
  }
  std::vector<double> masses;
  for (std::int64_t s = 0; s < S; ++s) {
    const double d = out.distance[static_cast<std::size_t>(s)];
    out.within_01 += d <= 0.1, out.within_02 += d <= 0.2, out.within_05 += d <= 0.5;
    if (std::isfinite(d)) out.found += 1, masses.push_back(out.mass[static_cast<std::size_t>(s)]);
  }
  for (double* v : {&out.within_01, &out.within_02, &out.within_05, &out.found}) *v /= static_cast<double>(S);
  out.median_distance = nn::quantile(out.distance, 0.5);
  out.median_mass = masses.empty() ? kNaN : nn::quantile(masses, 0.5);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

FieldPlane field_plane(GravityModel& model, const GravityData& data, std::int64_t observed, std::int64_t stride,
                       const Tensor<float>* given) {
  const index_t G = 17;
  const double* h = data.test_heavy.data();
  Tensor<float> points(Shape{G * G, kD});
  FieldPlane out;
  out.hidden_x = h[0], out.hidden_y = h[1];
  for (index_t i = 0; i < G; ++i) out.xs.push_back(h[0] - 2 + 4.0 * double(i) / double(G - 1));
  for (index_t j = 0; j < G; ++j) out.ys.push_back(h[1] - 2 + 4.0 * double(j) / double(G - 1));
  for (index_t j = 0; j < G; ++j)
    for (index_t i = 0; i < G; ++i) {
      const double p[kD] = {out.xs[static_cast<std::size_t>(i)], out.ys[static_cast<std::size_t>(j)], h[2]};
      double e[kD];
      true_field(h, p, data.G * data.heavy_mass, data.softening, e);
      out.true_u.push_back(e[0]), out.true_v.push_back(e[1]);
      for (index_t c = 0; c < kD; ++c) points(j * G + i, c) = static_cast<float>(p[c]);
    }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const Var<float> code =
      model.has_code() ? codes_on(tape, model, data.test, 0, 1, observed, stride, given) : Var<float>{};
  const Var<float> E = model.field(tape, tape.constant(points), code);
  for (index_t q = 0; q < G * G; ++q)
    out.learned_u.push_back(E.data()[q * kD]), out.learned_v.push_back(E.data()[q * kD + 1]);
  return out;
}

}  // namespace dg::gravity_field
