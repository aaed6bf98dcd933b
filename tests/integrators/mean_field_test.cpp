// The N-particle underdamped Langevin algorithm (Fu and Wilson 2024) on cases with known answers:
// exact for a constant force at any step (deterministic), exact free diffusion with friction
// (the Ornstein-Uhlenbeck mean squared displacement), and the stationary law of particles whose
// force is the gradient of the first variation of a quadratic mean-field functional.
#include <doctest/doctest.h>

#include <array>
#include <cmath>

#include "integrators/integrators.hpp"
#include "tests/integrators/forces.hpp"
#include "tests/integrators/stats.hpp"

using namespace dg;
using namespace dg::integrators;
using dg::test::normal_tensor;

namespace {

// x'' = g - gamma x', solved exactly (long double): position and velocity at time t.
std::array<long double, 2> damped_free_fall(long double x0, long double v0, long double g, long double gamma, long double t) {
  if (gamma == 0) return {x0 + v0 * t + g * t * t / 2, v0 + g * t};
  const long double m1 = -std::expm1(-gamma * t);  // 1 - e^{-gamma t}
  return {x0 + v0 * m1 / gamma + g / gamma * (t - m1 / gamma), v0 * (1 - m1) + g * m1 / gamma};
}

}  // namespace

TEST_CASE("mean-field Langevin is exact for a constant force without noise, at any step and friction") {
  // Large and small gamma h (the series branch of the coefficients below gamma h = 0.1) and gamma = 0.
  for (double gamma : {1.3, 0.05, 0.0}) {
    const double h = 0.7;
    auto s = make_state(Tensor<double>({2, 2}, {0.5, -1.0, 2.0, 0.25}), Tensor<double>({2, 2}, {1.0, 0.3, -0.4, 0.0}));
    const auto start = s;
    test::ConstantForce force{{0.8, -2.5}};
    MeanFieldLangevin scheme{.dt = h, .bath = {.gamma = gamma, .kT = 0.0, .mass = {}}};
    Workspace<Tensor<double>> ws;
    init(scheme, s, force, ws);
    run(scheme, s, force, OpenBoundary{}, ws, 20);
    for (index_t i = 0; i < 2; ++i)
      for (index_t c = 0; c < 2; ++c) {
        const auto exact = damped_free_fall(start.q(i, c), start.v(i, c), force.g[std::size_t(c)], gamma, 20 * h);
        INFO("gamma = ", gamma, " particle ", i, " component ", c);
        CHECK(s.q(i, c) == doctest::Approx(double(exact[0])).epsilon(1e-13));
        CHECK(s.v(i, c) == doctest::Approx(double(exact[1])).epsilon(1e-13));
      }
  }
}

TEST_CASE("mean-field Langevin on free particles: the exact Ornstein-Uhlenbeck diffusion") {
  // From equilibrium velocities v ~ N(0, u), u = kT/m: per component
  //   <(x(t) - x(0))^2> = 2 u / gamma^2 (gamma t - 1 + e^{-gamma t}),   <v(t) v(0)> = u e^{-gamma t}.
  // The scheme integrates this exactly with large steps, if the position and velocity noise
  // have the right variances AND correlation. 100,000 particles in 2D; tolerance 5 standard errors.
  const index_t n = 100000, d = 2;
  const double m = 0.5, gamma = 1.5, kT = 2.0, u = kT / m, h = 0.5;
  auto s = make_state(Tensor<double>::zeros({n, d}), normal_tensor(n, d, std::sqrt(u), 17, 0), 31);
  const Tensor<double> v0 = s.v;
  MeanFieldLangevin scheme{.dt = h, .bath = {.gamma = gamma, .kT = kT, .mass = {m}}};
  Workspace<Tensor<double>> ws;
  test::FreeForce force;
  init(scheme, s, force, ws);
  run(scheme, s, force, OpenBoundary{}, ws, 6, [&](const State<Tensor<double>>& st) {
    double msd = 0, vacf = 0;
    for (index_t i = 0; i < st.q.numel(); ++i) {
      msd += st.q[i] * st.q[i];
      vacf += st.v[i] * v0[i];
    }
    msd /= double(n * d);
    vacf /= double(n * d);
    const double t = st.t, samples = double(n * d);
    const double msd_exact = 2 * u / (gamma * gamma) * (gamma * t - 1 + std::exp(-gamma * t));
    const double vacf_exact = u * std::exp(-gamma * t);
    // Standard errors: a Gaussian displacement's square has variance 2 msd^2; v(t) v(0) has
    // variance u^2 (1 + e^{-2 gamma t}).
    INFO("t = ", t, ": MSD ", msd, " (exact ", msd_exact, "), <v(t)v(0)> ", vacf, " (exact ", vacf_exact, ")");
    CHECK(std::fabs(msd - msd_exact) < 5 * std::sqrt(2 / samples) * msd_exact);
    CHECK(std::fabs(vacf - vacf_exact) < 5 * u * std::sqrt((1 + std::exp(-2 * gamma * t)) / samples));
  });
}

namespace {

// The stationary x-variance of the frozen-force step on a harmonic well a = -kappa x, computed
// independently of the integrator's closed forms: the one-step mean map and noise covariance come
// from integrating the moment equations of dx = v dt, dv = (-gamma v - kappa x_k) dt + sqrt(2 gamma u) dW
// over [0, h] with RK4 (1000 sub-steps), then the 2x2 discrete Lyapunov equation
// S = A S A^T + Q is iterated to its fixed point.
double frozen_force_stationary_x2(double kappa, double gamma, double u, double h) {
  using M2 = std::array<std::array<double, 2>, 2>;
  const int sub = 1000;
  const double dt = h / sub;
  // Mean: z = (x, v) with the frozen drift -kappa x0; columns of A from unit starts.
  M2 A{};
  for (int col = 0; col < 2; ++col) {
    std::array<double, 2> z = {col == 0 ? 1.0 : 0.0, col == 1 ? 1.0 : 0.0};
    const double x0 = z[0];
    auto f = [&](const std::array<double, 2>& y) { return std::array<double, 2>{y[1], -gamma * y[1] - kappa * x0}; };
    for (int k = 0; k < sub; ++k) {
      const auto k1 = f(z), k2 = f({z[0] + dt / 2 * k1[0], z[1] + dt / 2 * k1[1]});
      const auto k3 = f({z[0] + dt / 2 * k2[0], z[1] + dt / 2 * k2[1]}), k4 = f({z[0] + dt * k3[0], z[1] + dt * k3[1]});
      for (int r = 0; r < 2; ++r) z[r] += dt / 6 * (k1[r] + 2 * k2[r] + 2 * k3[r] + k4[r]);
    }
    A[0][col] = z[0];
    A[1][col] = z[1];
  }
  // Noise: P' = M P + P M^T + diag(0, 2 gamma u), M = [[0, 1], [0, -gamma]], P(0) = 0.
  auto g = [&](const M2& P) {
    M2 D{};
    D[0][0] = 2 * P[0][1];
    D[0][1] = D[1][0] = P[1][1] - gamma * P[0][1];
    D[1][1] = -2 * gamma * P[1][1] + 2 * gamma * u;
    return D;
  };
  auto axpy = [](const M2& P, double c, const M2& D) {
    M2 R = P;
    for (int r = 0; r < 2; ++r)
      for (int c2 = 0; c2 < 2; ++c2) R[r][c2] += c * D[r][c2];
    return R;
  };
  M2 Q{};
  for (int k = 0; k < sub; ++k) {
    const M2 k1 = g(Q), k2 = g(axpy(Q, dt / 2, k1)), k3 = g(axpy(Q, dt / 2, k2)), k4 = g(axpy(Q, dt, k3));
    Q = axpy(axpy(axpy(axpy(Q, dt / 6, k1), dt / 3, k2), dt / 3, k3), dt / 6, k4);
  }
  M2 S{};
  for (int it = 0; it < 100000; ++it) {
    M2 next = Q;
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c)
        for (int a = 0; a < 2; ++a)
          for (int b = 0; b < 2; ++b) next[r][c] += A[r][a] * S[a][b] * A[c][b];
    S = next;
  }
  return S[0][0];
}

}  // namespace

TEST_CASE("the stationary-law helper of this test tends to the Gibbs variance u / kappa as h -> 0") {
  CHECK(frozen_force_stationary_x2(3.0, 1.0, 1.0, 1e-3) == doctest::Approx(1.0 / 3).epsilon(2e-3));
  CHECK(frozen_force_stationary_x2(1.0, 2.0, 0.5, 1e-3) == doctest::Approx(0.5).epsilon(2e-3));
}

TEST_CASE("mean-field Langevin: particles of a quadratic mean-field functional reach the predicted stationary law") {
  // F(mu) = int k|x|^2/2 dmu + (lambda/4) int int |x - y|^2 dmu dmu: the gradient of its first
  // variation at x_i on the empirical measure is k x_i + lambda (x_i - mean(x)), so the force sees
  // all particles. The N-particle chain is linear: the mean mode has stiffness k, the other N - 1
  // modes k + lambda, each with its own 2x2 stationary covariance; the average of x_i^2 is
  // (S(k) + (N - 1) S(k + lambda)) / N. At h = 0.2 the scheme's first-order bias is large (S is
  // 0.47 instead of the Gibbs 1/3 for kappa = 3), so this checks the discrete law itself.
  const index_t n = 400;
  const double k = 1.0, lambda = 2.0, gamma = 1.0, kT = 1.0, h = 0.2;
  auto force = [&](const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& a) {
    double mean = 0;
    for (index_t i = 0; i < n; ++i) mean += q[i];
    mean /= double(n);
    for (index_t i = 0; i < n; ++i) a[i] = -(k * q[i] + lambda * (q[i] - mean));
  };
  MeanFieldLangevin scheme{.dt = h, .bath = {.gamma = gamma, .kT = kT, .mass = {}}};
  auto s = make_state(normal_tensor(n, 1, 0.6, 23, 0), normal_tensor(n, 1, 1.0, 23, 1), 77);
  Workspace<Tensor<double>> ws;
  init(scheme, s, force, ws);
  run(scheme, s, force, OpenBoundary{}, ws, 300);
  const int steps = 4000;
  const std::size_t chains = 100;
  std::vector<double> series(chains * steps);  // (chains, steps) x^2
  double sum = 0;
  int t = 0;
  run(scheme, s, force, OpenBoundary{}, ws, steps, [&](const State<Tensor<double>>& st) {
    for (index_t i = 0; i < n; ++i) sum += st.q[i] * st.q[i];
    for (std::size_t c = 0; c < chains; ++c) series[c * steps + std::size_t(t)] = st.q[index_t(c)] * st.q[index_t(c)];
    ++t;
  });
  const double total = double(n) * steps;
  const auto r = test::time_average(series, chains, steps, sum / total, total);
  const double expected =
      (frozen_force_stationary_x2(k, gamma, kT, h) + double(n - 1) * frozen_force_stationary_x2(k + lambda, gamma, kT, h)) / double(n);
  const double gibbs = (kT / k + double(n - 1) * kT / (k + lambda)) / double(n);
  INFO("<x^2> = ", r.mean, " +- ", r.std_error, " (tau ", r.tau, "), predicted ", expected, ", continuous Gibbs ", gibbs);
  CHECK(std::fabs(r.mean - expected) < 5 * r.std_error);
  CHECK(std::fabs(r.mean - gibbs) > 5 * r.std_error);  // the test can tell the two apart
}
