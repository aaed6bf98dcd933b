// Stochastic schemes against known answers: the configurational temperature of BAOAB, OBABO and
// LFMiddle on a harmonic oscillator (statistical tolerance from the effective sample size),
// Euler-Maruyama's stationary variance and free diffusion, LFMiddle = BAOAB with half-step
// velocities, and determinism (threads, saving and restoring a state).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <cstring>

#include "integrators/integrators.hpp"
#include "tests/integrators/forces.hpp"
#include "tests/integrators/stats.hpp"

using namespace dg;
using namespace dg::integrators;
using dg::test::normal_tensor;

namespace {

// <x^2> of N independent oscillators (one component each), averaged over `steps` steps after
// `burn` steps, with its standard error from the autocorrelation of x^2 in the first 200 chains.
template <class Scheme>
test::TimeAverage sample_x2(const Scheme& scheme, const auto& force, index_t n, int burn, int steps) {
  auto s = make_state(normal_tensor(n, 1, 1.0, 11, 0), normal_tensor(n, 1, 1.0, 11, 1), /*seed=*/2024);
  Workspace<Tensor<double>> ws;
  init(scheme, s, force, ws);
  run(scheme, s, force, OpenBoundary{}, ws, burn);
  const std::size_t chains = 200;
  std::vector<double> series(chains * std::size_t(steps));  // (chains, steps) x^2
  double sum = 0;
  int t = 0;
  run(scheme, s, force, OpenBoundary{}, ws, steps, [&](const State<Tensor<double>>& st) {
    for (index_t i = 0; i < n; ++i) sum += st.q[i] * st.q[i];
    for (std::size_t c = 0; c < chains; ++c) series[c * std::size_t(steps) + std::size_t(t)] = st.q[index_t(c)] * st.q[index_t(c)];
    ++t;
  });
  const double total = double(n) * steps;
  return test::time_average(series, chains, std::size_t(steps), sum / total, total);
}

const Thermostat kUnitBath{.gamma = 1, .kT = 1, .mass = {1.0}};

}  // namespace

TEST_CASE("harmonic oscillator (m = k = kT = gamma = 1): BAOAB and LFMiddle have no configurational bias") {
  // 1000 oscillators x 2000 steps; the standard error is 0.002-0.003, five of them are far below
  // OBABO's bias at h = 0.5 (0.067), so a biased scheme would fail.
  test::HarmonicForce force{1.0};
  for (double h : {0.5, 1.0}) {
    const auto baoab = sample_x2(BAOAB{.dt = h, .bath = kUnitBath}, force, 1000, 200, 2000);
    const auto middle = sample_x2(LFMiddle{.dt = h, .bath = kUnitBath}, force, 1000, 200, 2000);
    INFO("h = ", h, ": BAOAB <x^2> = ", baoab.mean, " +- ", baoab.std_error, " (tau ", baoab.tau, "), LFMiddle ", middle.mean,
         " +- ", middle.std_error);
    CHECK(baoab.std_error < 0.005);
    CHECK(std::fabs(baoab.mean - 1.0) < 5 * baoab.std_error);
    CHECK(std::fabs(middle.mean - 1.0) < 5 * middle.std_error);
  }
}

TEST_CASE("harmonic oscillator: OBABO shows its known bias 1 / (1 - h^2/4)") {
  test::HarmonicForce force{1.0};
  for (double h : {0.5, 1.0}) {
    const auto r = sample_x2(OBABO{.dt = h, .bath = kUnitBath}, force, 1000, 200, 2000);
    const double expected = 1.0 / (1.0 - h * h / 4);
    INFO("h = ", h, ": OBABO <x^2> = ", r.mean, " +- ", r.std_error, ", expected ", expected);
    CHECK(std::fabs(r.mean - expected) < 5 * r.std_error);
    CHECK(std::fabs(r.mean - 1.0) > 5 * r.std_error);  // the bias is resolved
  }
}

TEST_CASE("overdamped Euler-Maruyama on a harmonic well: the AR(1) stationary variance") {
  // x' = (1 - h k/(m gamma)) x + sqrt(2 kT h/(m gamma)) xi has variance kT/k / (1 - h k / (2 m gamma)).
  const double h = 0.2, k = 1.5, m = 2.0, gamma = 0.8, kT = 0.7;
  test::HarmonicForce force{k / m};
  const auto r = sample_x2(EulerMaruyama{.dt = h, .bath = {.gamma = gamma, .kT = kT, .mass = {m}}}, force, 1000, 200, 2000);
  const double expected = kT / k / (1 - h * k / (2 * m * gamma));
  INFO("<x^2> = ", r.mean, " +- ", r.std_error, ", expected ", expected);
  CHECK(std::fabs(r.mean - expected) < 5 * r.std_error);
}

TEST_CASE("free Brownian particles: mean squared displacement 2 d kT t / (m gamma) within 1%") {
  // Euler-Maruyama is exact for free particles at any step. 200,000 particles in 3D: the
  // relative standard error of the MSD is sqrt(2 / (3 N)) = 0.18%, so 1% is 5.5 of them.
  const index_t n = 200000, d = 3;
  const double m = 2.0, gamma = 0.5, kT = 1.5, h = 0.25;
  auto s = make_state(Tensor<double>::zeros({n, d}), Tensor<double>::zeros({n, d}), 7);
  EulerMaruyama scheme{.dt = h, .bath = {.gamma = gamma, .kT = kT, .mass = {m}}};
  Workspace<Tensor<double>> ws;
  test::FreeForce force;
  init(scheme, s, force, ws);
  run(scheme, s, force, OpenBoundary{}, ws, 4, [&](const State<Tensor<double>>& st) {
    double msd = 0;
    for (index_t i = 0; i < st.q.numel(); ++i) msd += st.q[i] * st.q[i];
    msd /= double(n);
    const double expected = 2 * double(d) * kT * st.t / (m * gamma);
    INFO("t = ", st.t, ": MSD ", msd, ", expected ", expected);
    CHECK(std::fabs(msd / expected - 1) < 0.01);
  });
}

TEST_CASE("LFMiddle follows BAOAB's trajectory; its half-step velocity plus h/2 a is BAOAB's velocity") {
  const double h = 0.05;
  const Thermostat bath{.gamma = 0.7, .kT = 0.5, .mass = {1.0, 2.0, 0.5}};
  Parameter<double> t0(Tensor<double>::full(Shape::scalar(), 1.0)), t1(Tensor<double>::full(Shape::scalar(), 1.0)),
      t2(Tensor<double>::full(Shape::scalar(), 0.0));
  test::LearnedForce force{{&t0, &t1, &t2}};  // a double well, no friction in the force
  const auto start = make_state(normal_tensor(3, 2, 1.0, 5, 0), normal_tensor(3, 2, 1.0, 5, 1), 99);
  auto a = start, b = start;
  BAOAB baoab{.dt = h, .bath = bath};
  LFMiddle middle{.dt = h, .bath = bath};
  Workspace<Tensor<double>> wa, wb;
  init(baoab, a, force, wa);
  init(middle, b, force, wb);
  Tensor<double> v_on_step;
  for (int k = 0; k < 200; ++k) {
    baoab.step(a, force, OpenBoundary{}, wa);
    middle.step(b, force, OpenBoundary{}, wb);
    middle.on_step_velocity(b, v_on_step);
    for (index_t i = 0; i < 6; ++i) {
      CHECK(b.q[i] == doctest::Approx(a.q[i]).epsilon(1e-12));
      CHECK(v_on_step[i] == doctest::Approx(a.v[i]).epsilon(1e-12));
    }
  }
}

TEST_CASE("the same seed gives the same bits with 1 and 2 threads") {
  // 20,000 particles in 2D: large enough for the noise and the elementwise updates to run in
  // parallel chunks.
  auto trajectory = [](auto scheme, int threads) {
    const int saved = num_threads();
    set_num_threads(threads);
    auto s = make_state(normal_tensor(20000, 2, 1.0, 3, 0), normal_tensor(20000, 2, 1.0, 3, 1), 1234);
    Workspace<Tensor<double>> ws;
    test::HarmonicForce force{0.8};
    init(scheme, s, force, ws);
    run(scheme, s, force, OpenBoundary{}, ws, 5);
    set_num_threads(saved);
    return s;
  };
  auto same_bits = [](const Tensor<double>& x, const Tensor<double>& y) {
    return std::memcmp(x.data(), y.data(), x.bytes()) == 0;
  };
  const Thermostat bath{.gamma = 0.9, .kT = 1.3, .mass = {1.5}};
  auto check = [&](auto scheme) {
    const auto one = trajectory(scheme, 1), two = trajectory(scheme, 2);
    INFO(std::string(decltype(scheme)::name));
    CHECK(same_bits(one.q, two.q));
    CHECK(same_bits(one.v, two.v));
  };
  check(BAOAB{.dt = 0.1, .bath = bath});
  check(OBABO{.dt = 0.1, .bath = bath});
  check(EulerMaruyama{.dt = 0.1, .bath = bath});
  check(MeanFieldLangevin{.dt = 0.1, .bath = bath});
}

TEST_CASE("a saved state continues the same trajectory bit for bit (seed and step are the random state)") {
  auto check = [](auto scheme) {
    test::HarmonicForce force{1.3};
    auto s = make_state(normal_tensor(4, 3, 1.0, 8, 0), normal_tensor(4, 3, 1.0, 8, 1), 555);
    Workspace<Tensor<double>> ws;
    init(scheme, s, force, ws);
    run(scheme, s, force, OpenBoundary{}, ws, 50);
    // "Save": q, v, t, step, seed (the acceleration is recomputed on resume).
    auto restored = make_state(s.q, s.v, s.seed, s.t);
    restored.step = s.step;
    run(scheme, s, force, OpenBoundary{}, ws, 50);
    Workspace<Tensor<double>> ws2;
    resume(scheme, restored, force, ws2);
    run(scheme, restored, force, OpenBoundary{}, ws2, 50);
    INFO(std::string(decltype(scheme)::name));
    CHECK(std::memcmp(s.q.data(), restored.q.data(), s.q.bytes()) == 0);
    CHECK(std::memcmp(s.v.data(), restored.v.data(), s.v.bytes()) == 0);
  };
  const Thermostat bath{.gamma = 0.5, .kT = 2.0, .mass = {1.0, 2.0, 3.0, 4.0}};
  check(BAOAB{.dt = 0.05, .bath = bath});
  check(LFMiddle{.dt = 0.05, .bath = bath});
  check(MeanFieldLangevin{.dt = 0.05, .bath = bath});
}
