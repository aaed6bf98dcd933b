// The parts of the smaller experiments (examples/<name>/, docs/experiments/README.md) that their
// --quick runs cannot check on their own, each against an answer known without the code under
// test: a fitted constant that is exact, an energy measure of a known sequence, a field against
// finite differences of its potential, a sampler against its own density, the work of a gradient
// field around a loop, a cross product and a known uniform field, and forecasts with one half of a
// model replaced by the truth against the true forces.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <numbers>

#include "autodiff/random.hpp"
#include "examples/egnn_nbody/model.hpp"
#include "examples/gravity_field/evaluate.hpp"
#include "examples/langevin_sampling/data.hpp"
#include "examples/learned_energy/evaluate.hpp"
#include "examples/lorentz_field/evaluate.hpp"
#include "examples/mean_field_langevin/evaluate.hpp"
#include "examples/nbody_orbits/evaluate.hpp"
#include "nn/graph/graph_batch.hpp"

using namespace dg;

namespace {

// S simulations of 2 frames of N particles in d dimensions: x at frame 0 random, v random, and
// frame 1 at x + t v (+ noise of that size).
datasets::Trajectories straight_lines(double t, double noise, std::uint64_t seed) {
  datasets::Trajectories d;
  d.sims = 20, d.frames = 2, d.particles = 3, d.dim = 2;
  const std::size_t per_frame = static_cast<std::size_t>(d.particles * d.dim);
  d.positions.resize(static_cast<std::size_t>(d.sims * d.frames) * per_frame);
  d.velocities.resize(d.positions.size());
  Philox rng(seed, 1);
  for (std::int64_t s = 0; s < d.sims; ++s)
    for (std::size_t i = 0; i < per_frame; ++i) {
      const std::size_t a = d.frame_offset(s, 0) + i, b = d.frame_offset(s, 1) + i;
      d.positions[a] = rng.normal();
      d.velocities[a] = d.velocities[b] = rng.normal();
      d.positions[b] = d.positions[a] + t * d.velocities[a] + noise * rng.normal();
    }
  return d;
}

}  // namespace

TEST_CASE("egnn_nbody: the linear baseline recovers the step of straight-line motion") {
  const datasets::Trajectories fit = straight_lines(0.7, 0, 1), test = straight_lines(0.7, 0, 2);
  const auto [t, mse] = egnn_nbody::linear_baseline(fit, test, 0, 1);
  CHECK(t == doctest::Approx(0.7).epsilon(1e-12));
  CHECK(mse < 1e-20);
  // With noise of standard deviation 0.1 on the target, the test MSE is about its variance.
  const auto [t_noisy, mse_noisy] =
      egnn_nbody::linear_baseline(straight_lines(0.7, 0.1, 3), straight_lines(0.7, 0.1, 4), 0, 1);
  CHECK(t_noisy == doctest::Approx(0.7).epsilon(0.05));
  CHECK(mse_noisy == doctest::Approx(0.01).epsilon(0.4));
}

TEST_CASE("gravity_field: the heavy mass's field is minus the gradient of its softened potential") {
  const double h[3] = {0.3, -0.2, 0.5}, GM = 10, eps = 0.1;
  auto potential = [&](const double* p) {
    double r2 = eps * eps;
    for (int j = 0; j < 3; ++j) r2 += (h[j] - p[j]) * (h[j] - p[j]);
    return -GM / std::sqrt(r2);
  };
  const double points[2][3] = {{1.0, 0.4, -0.3}, {0.35, -0.15, 0.45}};  // far from and close to the mass
  for (const auto& p : points) {
    double field[3];
    gravity_field::true_field(h, p, GM, eps, field);
    for (int j = 0; j < 3; ++j) {
      const double step = 1e-6;
      double plus[3] = {p[0], p[1], p[2]}, minus[3] = {p[0], p[1], p[2]};
      plus[j] += step, minus[j] -= step;
      const double gradient = (potential(plus) - potential(minus)) / (2 * step);
      CHECK(field[j] == doctest::Approx(-gradient).epsilon(1e-6));
    }
  }
}

namespace {

// S 3D simulations of F frames, N particles under the constant acceleration g from random starts:
// x(t) = x0 + v0 t + g t^2 / 2, v(t) = v0 + g t, frames dt apart.
datasets::Trajectories constant_acceleration(const double g[3], double dt, std::uint64_t seed) {
  datasets::Trajectories d;
  d.sims = 4, d.frames = 8, d.particles = 3, d.dim = 3, d.dt_frame = dt;
  d.positions.resize(static_cast<std::size_t>(d.sims * d.frames * d.particles * 3));
  d.velocities.resize(d.positions.size());
  Philox rng(seed, 1);
  for (std::int64_t s = 0; s < d.sims; ++s)
    for (std::int64_t i = 0; i < d.particles; ++i) {
      double x0[3], v0[3];
      for (int c = 0; c < 3; ++c) x0[c] = rng.normal(), v0[c] = rng.normal();
      for (std::int64_t f = 0; f < d.frames; ++f) {
        const double t = dt * static_cast<double>(f);
        for (int c = 0; c < 3; ++c) {
          const std::size_t at = d.frame_offset(s, f) + static_cast<std::size_t>(i * 3 + c);
          d.positions[at] = x0[c] + v0[c] * t + 0.5 * g[c] * t * t;
          d.velocities[at] = v0[c] + g[c] * t;
        }
      }
    }
  return d;
}

}  // namespace

TEST_CASE("gravity_field: the encoder's rows read the observed pull of each particle") {
  const double g[3] = {0.0, 3.0, -4.0};  // |g| = 5
  const datasets::Trajectories d = constant_acceleration(g, 0.1, 2);
  const std::int64_t sims[] = {2, 0};
  const gravity_field::Context c = gravity_field::context_of(d, sims, 6, 2);  // frames 0, 2, 4 (t < 5)
  REQUIRE(c.rows.shape() == Shape{2 * 3 * 3, gravity_field::kContextFeatures});
  for (index_t r = 0; r < c.rows.shape()[0]; ++r) {
    const std::int64_t b = r / 9, f = 2 * ((r % 9) / 3), i = r % 3;
    CHECK(c.graph[static_cast<std::size_t>(r)] == b);
    for (int k = 0; k < 3; ++k) {
      CHECK(c.rows(r, k) == doctest::Approx(d.positions_at(sims[b], f)[i * 3 + k]).epsilon(1e-6));
      CHECK(c.rows(r, 3 + k) == doctest::Approx(g[k] / 5 * std::log(6.0)).epsilon(1e-5));
      CHECK(c.rows(r, 6 + k) == doctest::Approx(g[k] / 5).epsilon(1e-5));
    }
    CHECK(c.rows(r, 9) == doctest::Approx(1 / std::sqrt(5.1)).epsilon(1e-5));
  }
}

TEST_CASE("gravity_field: forecast errors at constant velocity are those of the missed acceleration") {
  const double g[3] = {1.0, -2.0, 2.0}, dt = 0.1;  // |g| = 3
  const datasets::Trajectories d = constant_acceleration(g, dt, 3);
  const gravity_field::Forecast f = gravity_field::forecast(nullptr, d, 3, 4, 1, 1);
  REQUIRE(f.finite);
  for (std::size_t k = 0; k < 4; ++k) {  // after k + 1 frames: |dx| = |g| t^2 / 2, |dv| = |g| t
    const double t = dt * static_cast<double>(k + 1), dx = 1.5 * t * t, dv = 3 * t;
    CHECK(f.step_error[k] == doctest::Approx(dx).epsilon(1e-5));
    CHECK(f.paper.position_l2[k] == doctest::Approx(dx).epsilon(1e-5));
    CHECK(f.paper.velocity_l2[k] == doctest::Approx(dv).epsilon(1e-5));
    CHECK(f.paper.state_mse[k] == doctest::Approx((dx * dx + dv * dv) / 6).epsilon(1e-4));
  }
}

TEST_CASE("gravity_field: the models are equivariant, and only the dynamic field reads the code") {
  Philox rng(4, 1);
  gravity_field::GravityModel model({.kind = gravity_field::ModelKind::DynamicField, .field_width = 16, .code = 4},
                                    rng);
  // A field that is not zero (its output layer starts at zero): random output weights.
  for (index_t k = 0; k < model.external->output->weight.value.numel(); ++k)
    model.external->output->weight.value[k] = static_cast<float>(0.3 * rng.normal());
  const nn::GraphBatch g = nn::fully_connected(1, 4);
  Tensor<float> x(Shape{4, 3}), code(Shape{1, 4}), other(Shape{1, 4});
  for (index_t k = 0; k < x.numel(); ++k) x[k] = static_cast<float>(rng.normal());
  for (index_t k = 0; k < 4; ++k)
    code[k] = static_cast<float>(rng.normal()), other[k] = static_cast<float>(rng.normal());
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  auto rows = [&](const Tensor<float>& z) { return gravity_field::code_rows(tape.constant(z), 1, 4); };
  const Var<float> a = model.acceleration(tape, g, tape.constant(x), rows(code));
  const Var<float> b = model.acceleration(tape, g, tape.constant(x), rows(other));
  const Var<float> E = model.field(tape, tape.constant(x), rows(code));
  double differs = 0;
  for (index_t k = 0; k < a.numel(); ++k) differs = std::max(differs, double(std::abs(a.data()[k] - b.data()[k])));
  CHECK(differs > 1e-3);  // another code, another field
  // The interactions alone (acceleration minus the field) are translation invariant.
  Tensor<float> shifted = x;
  for (index_t i = 0; i < 4; ++i) shifted(i, 0) += 0.7f, shifted(i, 2) -= 0.3f;
  const Var<float> as = model.acceleration(tape, g, tape.constant(shifted), rows(code));
  const Var<float> Es = model.field(tape, tape.constant(shifted), rows(code));
  for (index_t k = 0; k < a.numel(); ++k)
    CHECK(as.data()[k] - Es.data()[k] == doctest::Approx(a.data()[k] - E.data()[k]).epsilon(1e-4).scale(1));
}

TEST_CASE("gravity_field --anchor: the voted anchor is the weighted mean of the votes, the radial term k (c - x)") {
  using namespace gravity_field;
  Philox rng(6, 1);
  GravityModel model({.kind = ModelKind::DynamicField, .hidden = 8, .field_width = 16, .code = 4, .anchor = true}, rng);
  // Equal attention (score weights and bias 0) and a reach of 0.5 along the pull: each row votes
  // x + 0.5 a_hat, and the anchor is the plain mean of its simulation's votes.
  model.anchor_score->weight.value.fill(0.0f);
  model.anchor_score->bias.value.fill(0.0f);
  model.anchor_reach->weight.value.fill(0.0f);
  model.anchor_reach->bias.value.fill(0.5f);
  const datasets::Trajectories t = constant_acceleration(std::array<double, 3>{1.0, -2.0, 2.0}.data(), 0.1, 5);
  const std::vector<std::int64_t> sims = {0, 2};
  const Context c = context_of(t, sims, 5, 1);
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const Var<float> codes = model.codes(tape, c.rows, c.graph, 2);  // (2, 4 + 3)
  REQUIRE(codes.shape()[1] == 7);
  for (index_t b = 0; b < 2; ++b)
    for (index_t k = 0; k < 3; ++k) {
      double sum = 0, count = 0;
      for (index_t r = 0; r < c.rows.shape()[0]; ++r)
        if (c.graph[static_cast<std::size_t>(r)] == b) sum += c.rows(r, k) + 0.5 * c.rows(r, 6 + k), count += 1;
      CHECK(codes.data()[b * 7 + 4 + k] == doctest::Approx(sum / count).epsilon(1e-5));
    }
  // The radial MLP made constant (output weights 0, bias 2) and the MLP field zero (its start):
  // E(x | z, c) = 2 (c - x) exactly.
  model.radial->layers[2].weight.value.fill(0.0f);
  model.radial->layers[2].bias.value.fill(2.0f);
  Tensor<float> x(Shape{3, 3}), code(Shape{1, 7});
  for (index_t k = 0; k < x.numel(); ++k) x[k] = static_cast<float>(rng.normal());
  for (index_t k = 0; k < code.numel(); ++k) code[k] = static_cast<float>(rng.normal());
  const Var<float> E = model.field(tape, tape.constant(x), tape.constant(code));
  for (index_t i = 0; i < 3; ++i)
    for (index_t k = 0; k < 3; ++k) CHECK(E.data()[i * 3 + k] == doctest::Approx(2 * (code[4 + k] - x(i, k))));
}

TEST_CASE("gravity_field --radial-core: the radial term's phi reads the inverse-cube feature as well") {
  using namespace gravity_field;
  Philox rng(7, 1);
  const ModelOptions o{
      .kind = ModelKind::DynamicField, .hidden = 8, .field_width = 16, .code = 4, .anchor = true, .radial_core = true};
  GravityModel model(o, rng);
  CHECK_THROWS_AS(GravityModel({.kind = ModelKind::DynamicField, .code = 4, .radial_core = true}, rng),
                  std::invalid_argument);
  REQUIRE(model.radial->layers[0].weight.value.numel() == 3 * 8);
  // phi made non-trivial (its output layer random), the MLP field zero (its start): the field is
  // (c - x) phi(f) with f = [1 / (r + d), 1 / (r^2 + d^2), d / (r^2 + d^2)^(3/2)], d = 0.1, written
  // out here by hand and fed to phi directly.
  for (index_t k = 0; k < model.radial->layers[2].weight.value.numel(); ++k)
    model.radial->layers[2].weight.value[k] = static_cast<float>(rng.normal());
  Tensor<float> x(Shape{4, 3}), code(Shape{1, 7}), f(Shape{4, 3});
  for (index_t k = 0; k < code.numel(); ++k) code[k] = static_cast<float>(rng.normal());
  const double scales[4] = {0.0, 0.05, 0.3, 2.0};  // distances from the anchor, the core to far
  for (index_t i = 0; i < 4; ++i) {
    const double dir[3] = {0.6, -0.8, 0.0}, d = 0.1, r = scales[i];
    for (index_t k = 0; k < 3; ++k) x(i, k) = static_cast<float>(code[4 + k] + r * dir[k]);
    f(i, 0) = static_cast<float>(1 / (r + d)), f(i, 1) = static_cast<float>(1 / (r * r + d * d)),
         f(i, 2) = static_cast<float>(d / std::pow(r * r + d * d, 1.5));
  }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  const Var<float> E = model.field(tape, tape.constant(x), tape.constant(code));
  const Var<float> phi = model.radial->forward(tape, tape.constant(f));  // (4, 1)
  CHECK(std::abs(phi.data()[0]) > 1e-3);
  for (index_t i = 0; i < 4; ++i)
    for (index_t k = 0; k < 3; ++k) {
      const double expected = (code[4 + k] - x(i, k)) * phi.data()[i];
      CHECK(E.data()[i * 3 + k] == doctest::Approx(expected).epsilon(1e-4).scale(1e-6));
    }
}

TEST_CASE("gravity_field: error attribution replaces exactly one half of the model by the truth") {
  // A dynamic field model whose two parts are zero (interaction output layer zeroed; the field
  // starts at zero). With the true pair forces it must forecast what the true forces without the
  // hidden mass (moved out of reach) do; with the true hidden-mass field, on particles moved far apart (pair forces
  // below 1e-4), what the true forces do. The references are forecast_true_forces: double
  // precision, plain arrays, another code path; so agreement is to float rounding, not bits.
  using namespace gravity_field;
  GravityData data = load_gravity("", 2, 4, 7, 47);
  const std::int64_t observed = 44, H = 3, N = data.test.particles;
  Philox rng(5, 1);
  GravityModel model({.kind = ModelKind::DynamicField, .hidden = 8, .field_width = 16, .code = 4}, rng);
  model.interaction->phi_x[1].weight.value.fill(0.0f);
  auto max_difference = [](const std::vector<double>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double m = 0;
    for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::abs(a[k] - b[k]));
    return m;
  };

  GravityData no_mass = data;  // the hidden mass moved 10^6 away: its pull below 1e-11
  for (std::size_t k = 0; k < no_mass.test_heavy.size(); k += 3) no_mass.test_heavy[k] += 1e6;
  const Forecast with_pairs = forecast_with_true_part(model, data, TruePart::PairForces, observed, H, 20, 2);
  const Forecast pairs_only = forecast_true_forces(no_mass, observed, H, 20);
  REQUIRE(with_pairs.finite);
  CHECK(max_difference(with_pairs.positions, pairs_only.positions) < 1e-4);
  CHECK(max_difference(with_pairs.velocities, pairs_only.velocities) < 1e-3);
  const Forecast truth = forecast_true_forces(data, observed, H, 20);
  CHECK(max_difference(with_pairs.velocities, truth.velocities) > 1e-2);  // the hidden mass is missing

  GravityData apart = data;  // particle i moved 100 i along x at the last observed frame
  for (std::int64_t s = 0; s < apart.test.sims; ++s)
    for (std::int64_t i = 1; i < N; ++i)
      apart.test.positions[static_cast<std::size_t>(apart.test.frame_offset(s, observed - 1) + i * 3)] +=
          100.0 * static_cast<double>(i);
  const Forecast with_field = forecast_with_true_part(model, apart, TruePart::HiddenMassField, observed, H, 20, 2);
  const Forecast true_apart = forecast_true_forces(apart, observed, H, 20);
  REQUIRE(with_field.finite);
  auto first_particle = [&](const std::vector<double>& values) {  // (S, H, N, 3) -> particle 0's rows, near 0
    std::vector<double> out;
    for (std::size_t k = 0; k < values.size(); ++k)
      if ((k / 3) % static_cast<std::size_t>(N) == 0) out.push_back(values[k]);
    return out;
  };
  CHECK(max_difference(first_particle(with_field.positions), first_particle(true_apart.positions)) < 1e-4);
  CHECK(max_difference(first_particle(with_field.velocities), first_particle(true_apart.velocities)) < 1e-3);
  CHECK(max_difference(with_field.positions, true_apart.positions) < 1e-2);  // the far ones: float rounding at 400
  const Forecast field_only = forecast_with_true_part(model, data, TruePart::HiddenMassField, observed, H, 20, 2);
  CHECK(max_difference(field_only.velocities, truth.velocities) > 1e-2);  // the pair forces are missing

  CHECK(std::string(true_part_name(TruePart::HiddenMassField)) == "true_hidden_mass_field");
  GravityModel no_field({.kind = ModelKind::NoField, .hidden = 8}, rng);
  CHECK_THROWS_AS(forecast_with_true_part(no_field, data, TruePart::PairForces, observed, H, 20, 2),
                  std::invalid_argument);
}

TEST_CASE("gravity_field: the closest approach to the hidden mass reads the forecast frames only") {
  using namespace gravity_field;
  GravityData data = load_gravity("", 2, 3, 7, 47);
  const std::int64_t observed = 44, H = 3;
  // Simulation 1: particle 2 put 0.05 from its hidden mass at frame observed + 1 (inside the
  // forecast), particle 0 put on it at frame observed - 1 (observed, so not counted).
  const double* h = data.test_heavy.data() + 3;
  double* x = data.test.positions.data() + data.test.frame_offset(1, observed + 1) + 2 * 3;
  x[0] = h[0] + 0.03, x[1] = h[1] - 0.04, x[2] = h[2];
  double* seen = data.test.positions.data() + data.test.frame_offset(1, observed - 1);
  for (int c = 0; c < 3; ++c) seen[c] = h[c];
  const std::vector<double> d = closest_approach(data, observed, H);
  REQUIRE(d.size() == 3);
  CHECK(d[1] == doctest::Approx(0.05).epsilon(1e-12));
  for (std::int64_t s : {0, 2}) {  // the others: the least distance by brute force over frames and particles
    double least = 1e300;
    for (std::int64_t f = observed; f < observed + H; ++f)
      for (std::int64_t i = 0; i < data.test.particles; ++i) {
        double d2 = 0;
        for (int c = 0; c < 3; ++c)
          d2 += std::pow(data.test.positions_at(s, f)[i * 3 + c] - data.test_heavy[static_cast<std::size_t>(s * 3 + c)],
                         2);
        least = std::min(least, std::sqrt(d2));
      }
    CHECK(d[static_cast<std::size_t>(s)] == least);
    CHECK(least > 0);
  }
}

TEST_CASE("langevin_sampling: exact samples follow the exact bin probabilities and <|x|^2>") {
  for (const langevin_sampling::Target& t : {langevin_sampling::double_well(), langevin_sampling::gaussian_mixture()}) {
    double total = 0;
    for (double p : t.bin_probability) total += p;
    CHECK(total == doctest::Approx(1.0).epsilon(3e-3));  // the mass beyond the histogram is small
    const index_t n = 200000;
    Tensor<double> q(Shape{n, t.dim});
    Philox rng(7, 1);
    t.sample_exact(rng, q);
    double r2 = 0, r4 = 0;
    for (index_t i = 0; i < n; ++i) {
      double s = 0;
      for (index_t c = 0; c < t.dim; ++c) s += q(i, c) * q(i, c);
      r2 += s, r4 += s * s;
    }
    r2 /= double(n), r4 /= double(n);
    const double standard_error = std::sqrt((r4 - r2 * r2) / double(n));
    CHECK(std::abs(r2 - t.mean_r2) < 4 * standard_error);
  }
  // The mixture's <|x|^2> by hand: the mean of |mu_k|^2 + 2 sd^2 over its three components.
  CHECK(langevin_sampling::gaussian_mixture().mean_r2 == doctest::Approx((2.25 + 2.25 + 2.25) / 3 + 0.5));
}

TEST_CASE("learned_energy: loop work is zero for a gradient field and not for a rotational one") {
  Philox rng(3, 1);
  learned_energy::ForceData test{Tensor<double>(Shape{4, learned_energy::kDof}), Tensor<double>(Shape{4, learned_energy::kDof})};
  for (index_t i = 0; i < test.x.numel(); ++i) test.x[i] = 0.3 * rng.normal();
  Philox init(5, 1);
  learned_energy::Model energy(learned_energy::Kind::Energy, 16, init);
  const double gradient_work = learned_energy::loop_work_ratio(energy, test, 4, 64, 0.2);
  CHECK(gradient_work < 1e-10);
  // A network that outputs the forces directly is, with random weights, no gradient: it has a curl.
  learned_energy::Model direct(learned_energy::Kind::Direct, 16, init);
  CHECK(learned_energy::loop_work_ratio(direct, test, 4, 64, 0.2) > 1e-4);
}

TEST_CASE("learned_energy: the drift measure of known energy sequences") {
  // A linear ramp 1, 1.01, ..., over 100 records: the first and last tenth differ by 0.9 on average.
  std::vector<double> ramp;
  for (int i = 0; i < 100; ++i) ramp.push_back(1 + 0.01 * i);
  const learned_energy::Drift d = learned_energy::measure_drift(ramp, 2.0);
  CHECK(d.drift == doctest::Approx(0.9 / 2.0));
  CHECK(d.max == doctest::Approx(0.99 / 2.0));
  // A wobble without trend: no drift, the amplitude as the largest error.
  std::vector<double> wobble;
  for (int i = 0; i < 100; ++i) wobble.push_back(1 + 0.1 * std::sin(2 * std::numbers::pi * i / 10));
  const learned_energy::Drift w = learned_energy::measure_drift(wobble, 1.0);
  CHECK(w.drift < 1e-12);
  CHECK(w.max == doctest::Approx(0.1 * std::sin(2 * std::numbers::pi * 0.2)).epsilon(1e-9));
}

TEST_CASE("mean_field_langevin: comparing two runs of known objectives") {
  mean_field_langevin::Run under, over;
  for (int i = 0; i < 100; ++i) {
    under.objective.push_back(i < 10 ? 10.0 - i : 1.0);  // reaches 1 at evaluation 10
    over.objective.push_back(i < 50 ? 10.0 - 0.18 * i : 1.0);  // 1.18 at evaluation 50, 1 from 51
  }
  const mean_field_langevin::Comparison c = mean_field_langevin::compare(under, over);
  CHECK(c.start == 10.0);
  CHECK(c.final_under == 1.0);
  CHECK(c.final_over == 1.0);
  CHECK(c.level == doctest::Approx(1.1));
  CHECK(c.under_evals == 10);
  CHECK(c.over_evals == 51);
  // A run that never comes down to the other's level.
  mean_field_langevin::Run flat;
  flat.objective.assign(100, 10.0);
  CHECK(mean_field_langevin::compare(under, flat).under_evals == 1);
  CHECK(mean_field_langevin::compare(flat, under).under_evals == 1);
  CHECK(mean_field_langevin::compare(flat, under).level == doctest::Approx(11.0));
}

TEST_CASE("nbody_orbits: growth and order measures") {
  nbody_orbits::EnergyTrace bounded, growing, diverged;
  for (int i = 0; i <= 100; ++i) {
    bounded.t.push_back(i), bounded.error.push_back(i == 0 ? 0 : 1e-6 * (1 + 0.5 * std::sin(i)));
    growing.t.push_back(i), growing.error.push_back(1e-6 * i);
  }
  diverged = growing;
  diverged.diverged = true;
  CHECK(nbody_orbits::growth(bounded) < 2);
  CHECK(nbody_orbits::growth(growing) == doctest::Approx(5.0));  // the last fifth's 100e-6 over the first's 20e-6
  CHECK(nbody_orbits::growth(diverged) == 1e12);
  CHECK(nbody_orbits::max_error(growing) == doctest::Approx(1e-4));
  // Velocity Verlet on the figure eight: the energy error over one period falls as dt^2.
  const nbody_orbits::System eight = nbody_orbits::figure_eight();
  double error[2];
  for (int k = 0; k < 2; ++k) {
    const std::int64_t steps = 500 << k;
    error[k] = nbody_orbits::max_error(nbody_orbits::run(nbody_orbits::make_scheme(1, nbody_orbits::kPeriod / double(steps)),
                                                         eight, steps, 1, [](const integrators::State<Tensor<double>>&) {}));
  }
  CHECK(std::log2(error[0] / error[1]) == doctest::Approx(2.0).epsilon(0.15));
}

TEST_CASE("lorentz_field: the row-wise cross product on the tape") {
  Tape<float> tape;
  const Var<float> a = tape.constant(Tensor<float>(Shape{3, 3}, {1, 0, 0, 0.5f, -2, 3, 1, 2, 3}));
  const Var<float> b = tape.constant(Tensor<float>(Shape{3, 3}, {0, 1, 0, 4, 1, -1, 1, 2, 3}));
  const Var<float> c = lorentz_field::cross_rows(a, b);
  // e_x x e_y = e_z; (0.5, -2, 3) x (4, 1, -1) = (2 - 3, 12 + 0.5, 0.5 + 8); parallel rows give 0.
  const std::vector<float> want = {0, 0, 1, -1, 12.5f, 8.5f, 0, 0, 0};
  for (std::size_t k = 0; k < want.size(); ++k) CHECK(c.data()[k] == doctest::Approx(want[k]));
}

TEST_CASE("lorentz_field: field recovery of a model whose field is the true B is exact") {
  const lorentz_field::LorentzData data = lorentz_field::load_lorentz("", 2, 2, 3, 10);
  CHECK(data.magnetic == std::array<double, 3>{0.5, 0.5, 0.5});
  Philox rng(1, 2);
  lorentz_field::LorentzModel model({.kind = lorentz_field::ModelKind::Field}, rng);
  // The output layer starts at zero; a bias of (0.5, 0.5, 0.5) makes B(x) the true field.
  model.magnetic->output->bias.value.fill(0.5f);
  lorentz_field::FieldRecovery r = lorentz_field::field_recovery(model, data);
  CHECK(r.metrics.cosine == doctest::Approx(1).epsilon(1e-6));
  CHECK(r.metrics.scale == doctest::Approx(1).epsilon(1e-6));
  CHECK(r.metrics.relative_l2 < 1e-6);
  CHECK(r.spread < 1e-6);
  CHECK(r.metrics.points == 2 * 20 * 13);  // 2 simulations, frames 0, 4, ..., 48, 20 particles
  // Half the field in the opposite direction: cosine -1, scale -0.5.
  model.magnetic->output->bias.value.fill(-0.25f);
  r = lorentz_field::field_recovery(model, data);
  CHECK(r.metrics.cosine == doctest::Approx(-1).epsilon(1e-6));
  CHECK(r.metrics.scale == doctest::Approx(-0.5).epsilon(1e-6));
}
