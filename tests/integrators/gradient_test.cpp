// Differentiable rollouts: every scheme on the tape gives the same trajectory as on plain arrays,
// its gradients through 100 steps (with respect to the parameters of a learned force and to the
// initial state) agree with central finite differences of the plain rollout, and the
// checkpointed rollout gives the plain tape's gradients to round-off with a smaller tape.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "integrators/integrators.hpp"
#include "tests/integrators/forces.hpp"

using namespace dg;
using namespace dg::integrators;

namespace {

constexpr int kSteps = 100;

// A scheme of type S with step dt (and a heat bath for the stochastic ones).
template <class S>
S make_scheme(double dt) {
  S s{};
  s.dt = dt;
  if constexpr (requires { s.bath; }) s.bath = Thermostat{.gamma = 0.8, .kT = 0.3, .mass = {1.0, 2.0, 0.5}};
  return s;
}

// Three particles in 2D, fixed numbers.
State<Tensor<double>> start_state() {
  return make_state(Tensor<double>({3, 2}, {0.9, -0.4, -1.1, 0.2, 0.3, 1.2}),
                    Tensor<double>({3, 2}, {0.2, 0.1, -0.3, 0.5, 0.0, -0.2}), /*seed=*/42);
}

// The loss: every 10 steps, sum (q - 0.3)^2 + 0.5 sum v^2 (the observation of a trajectory).
bool observed(std::int64_t step) { return step % 10 == 0; }
double plain_step_loss(const State<Tensor<double>>& s) {
  if (!observed(s.step)) return 0;
  double l = 0;
  for (index_t i = 0; i < s.q.numel(); ++i) l += (s.q[i] - 0.3) * (s.q[i] - 0.3) + 0.5 * s.v[i] * s.v[i];
  return l;
}
Var<double> tape_step_loss(const State<Var<double>>& s) {
  if (!observed(s.step)) return {};
  return sum(square(s.q - 0.3)) + 0.5 * sum(square(s.v));
}

struct Learned {
  Parameter<double> theta[3] = {Parameter<double>(Tensor<double>::full(Shape::scalar(), 0.8)),
                                Parameter<double>(Tensor<double>::full(Shape::scalar(), 1.1)),
                                Parameter<double>(Tensor<double>::full(Shape::scalar(), 0.2))};
  test::LearnedForce force() { return test::LearnedForce{{&theta[0], &theta[1], &theta[2]}}; }
  void zero_grad() {
    for (auto& p : theta) p.zero_grad();
  }
};

// The loss of a plain rollout from `start`.
template <class S>
double plain_loss(const S& scheme, Learned& model, State<Tensor<double>> s) {
  Workspace<Tensor<double>> ws;
  auto force = model.force();
  init(scheme, s, force, ws);
  double loss = 0;
  run(scheme, s, force, OpenBoundary{}, ws, kSteps, [&](const State<Tensor<double>>& st) { loss += plain_step_loss(st); });
  return loss;
}

// Gradients of the tape rollout: theta, q0, v0, with the loss value and the tape's node count.
struct TapeGradients {
  double loss;
  double theta[3];
  Tensor<double> q0, v0;
  std::size_t nodes;
};

template <class S>
TapeGradients tape_gradients(const S& scheme, Learned& model) {
  model.zero_grad();
  Tape<double> tape;
  auto s = to_tape(tape, start_state(), /*variables=*/true);
  const Var<double> q0 = s.q, v0 = s.v;
  Workspace<Var<double>> ws;
  auto force = model.force();
  init(scheme, s, force, ws);
  const Var<double> loss = rollout_loss(scheme, s, force, OpenBoundary{}, ws, kSteps, tape_step_loss);
  tape.backward(loss);
  TapeGradients g{loss.item(), {}, q0.to_tensor(), v0.to_tensor(), tape.node_count()};
  for (int k = 0; k < 3; ++k) g.theta[k] = model.theta[k].grad.item();
  std::copy(q0.grad(), q0.grad() + 6, g.q0.data());
  std::copy(v0.grad(), v0.grad() + 6, g.v0.data());
  return g;
}

}  // namespace

TEST_CASE_TEMPLATE("gradients through a 100-step rollout agree with finite differences", S, ExplicitEuler,
                   SymplecticEuler, VelocityVerlet, Yoshida4, PEFRL, RK4, BAOAB, OBABO, LFMiddle, EulerMaruyama,
                   MeanFieldLangevin) {
  const S scheme = make_scheme<S>(0.02);
  Learned model;
  const TapeGradients g = tape_gradients(scheme, model);
  // The tape rollout is the plain rollout (same code, same noise).
  CHECK(g.loss == doctest::Approx(plain_loss(scheme, model, start_state())).epsilon(1e-12));

  // Central differences, eps = 1e-6: truncation ~ eps^2, rounding ~ 1e-16 / eps, both far below 1e-6.
  const double eps = 1e-6;
  auto near = [](double analytic, double numeric) { return std::fabs(analytic - numeric) <= 1e-6 * (1 + std::fabs(numeric)); };
  for (int k = 0; k < 3; ++k) {
    double& p = model.theta[k].value[0];
    const double saved = p;
    p = saved + eps;
    const double up = plain_loss(scheme, model, start_state());
    p = saved - eps;
    const double down = plain_loss(scheme, model, start_state());
    p = saved;
    INFO(std::string(S::name), " theta", k, ": tape ", g.theta[k], ", finite differences ", (up - down) / (2 * eps));
    CHECK(near(g.theta[k], (up - down) / (2 * eps)));
  }
  for (index_t i : {0, 3, 5}) {
    for (int which = 0; which < 2; ++which) {
      auto up_state = start_state(), down_state = start_state();
      (which == 0 ? up_state.q : up_state.v)[i] += eps;
      (which == 0 ? down_state.q : down_state.v)[i] -= eps;
      const double numeric = (plain_loss(scheme, model, up_state) - plain_loss(scheme, model, down_state)) / (2 * eps);
      const double analytic = (which == 0 ? g.q0 : g.v0)[i];
      INFO(std::string(S::name), which == 0 ? " q0[" : " v0[", i, "]: tape ", analytic, ", finite differences ", numeric);
      CHECK(near(analytic, numeric));
    }
  }
}

TEST_CASE_TEMPLATE("checkpointed rollouts give the plain tape's gradients with a smaller tape", S, VelocityVerlet,
                   RK4, PEFRL, BAOAB, LFMiddle, MeanFieldLangevin) {
  const S scheme = make_scheme<S>(0.02);
  Learned model;
  const TapeGradients plain = tape_gradients(scheme, model);
  for (std::int64_t segments : {std::int64_t(0), std::int64_t(7), std::int64_t(1)}) {
    model.zero_grad();
    auto force = model.force();
    const RolloutGradient<double> ck = checkpointed_rollout_gradient(scheme, start_state(), force, OpenBoundary{}, kSteps,
                                                                     tape_step_loss, CheckpointOptions{.segments = segments});
    INFO(std::string(S::name), ", segments asked ", segments, " used ", ck.segments, ": peak nodes ", ck.peak_nodes, " vs ", plain.nodes);
    CHECK(ck.segments == (segments == 0 ? 10 : segments));
    CHECK(ck.loss == doctest::Approx(plain.loss).epsilon(1e-13));
    for (int k = 0; k < 3; ++k) CHECK(model.theta[k].grad.item() == doctest::Approx(plain.theta[k]).epsilon(1e-12));
    for (index_t i = 0; i < 6; ++i) {
      CHECK(ck.grad_q[i] == doctest::Approx(plain.q0[i]).epsilon(1e-12));
      CHECK(ck.grad_v[i] == doctest::Approx(plain.v0[i]).epsilon(1e-12));
    }
    // About sqrt(steps) segments: the tape holds about a tenth of the rollout.
    if (segments == 0) CHECK(ck.peak_nodes * 5 < plain.nodes);
    if (segments == 1) CHECK(ck.peak_nodes >= plain.nodes);  // one segment is the plain tape (plus the seed terms)
  }
}
