// `double_pendulum`: the planar double pendulum (part of the `chaotic` family). No published
// data set is followed; the choices:
//   point masses m1 = m2 = 1 on massless rods l1 = l2 = 1, g = 9.81; angles from the downward
//   vertical; released from rest (angular velocities N(0, initial_omega_std^2), default 0) at
//   angles uniform in [-initial_angle, initial_angle] (default pi: mostly chaotic energies);
//   classical RK4 on the angles, dt = 0.001, a frame every 10 steps (0.01 s), 10,000 steps:
//   999 frames over 10 s; 20 / 5 / 5 simulations (--published: 1,000 / 100 / 100, our choice).
// Equations of motion (Lagrangian; D = th1 - th2, M = m1 + m2, den = 2 m1 + m2 - m2 cos 2D):
//   th1'' = (-g (2 m1 + m2) sin th1 - m2 g sin(th1 - 2 th2)
//            - 2 sin D m2 (w2^2 l2 + w1^2 l1 cos D)) / (l1 den)
//   th2'' = 2 sin D (w1^2 l1 M + g M cos th1 + w2^2 l2 m2 cos D) / (l2 den)
//
// Arrays: positions (S, F, 2, 2) the two bobs in the plane (y up, pivot at the origin),
// velocities (S, F, 2, 2) their velocities, masses (S, 2) = (m1, m2), and the extras
// angles (S, F, 2), angular_velocities (S, F, 2).
#include <cmath>
#include <numbers>

#include "datasets/builtin.hpp"
#include "datasets/simulation.hpp"

namespace dg::datasets {

namespace {

struct Pendulum {
  double m1, m2, l1, l2, g;

  // Angular accelerations (2) at angles th (2) and angular velocities w (2).
  void accelerations(const double* th, const double* w, double* out) const {
    const double D = th[0] - th[1], M = m1 + m2;
    const double den = 2 * m1 + m2 - m2 * std::cos(2 * D);
    out[0] = (-g * (2 * m1 + m2) * std::sin(th[0]) - m2 * g * std::sin(th[0] - 2 * th[1]) -
              2 * std::sin(D) * m2 * (w[1] * w[1] * l2 + w[0] * w[0] * l1 * std::cos(D))) /
             (l1 * den);
    out[1] = 2 * std::sin(D) * (w[0] * w[0] * l1 * M + g * M * std::cos(th[0]) + w[1] * w[1] * l2 * m2 * std::cos(D)) /
             (l2 * den);
  }

  // Bob positions (2, 2) and velocities (2, 2) from the angles and angular velocities.
  void cartesian(const double* th, const double* w, double* x, double* v) const {
    x[0] = l1 * std::sin(th[0]);
    x[1] = -l1 * std::cos(th[0]);
    x[2] = x[0] + l2 * std::sin(th[1]);
    x[3] = x[1] - l2 * std::cos(th[1]);
    v[0] = l1 * std::cos(th[0]) * w[0];
    v[1] = l1 * std::sin(th[0]) * w[0];
    v[2] = v[0] + l2 * std::cos(th[1]) * w[1];
    v[3] = v[1] + l2 * std::sin(th[1]) * w[1];
  }
};

class DoublePendulum final : public Generator {
 public:
  std::string name() const override { return "double_pendulum"; }
  std::string summary() const override {
    return "chaotic: planar double pendulum (unit masses and rods, g 9.81), RK4, dt 0.001, frames 0.01 apart";
  }

  std::vector<ParamSpec> param_specs() const override {
    std::vector<ParamSpec> s = common_specs({.train = 20, .val = 5, .test = 5, .published_train = 1000,
                                             .published_val = 100, .published_test = 100, .steps = 10000,
                                             .test_steps = 10000, .every = 10, .dt = 0.001, .particles = 0});
    s.push_back(positive_param("m1", 1.0, "mass of the inner bob"));
    s.push_back(positive_param("m2", 1.0, "mass of the outer bob"));
    s.push_back(positive_param("l1", 1.0, "length of the inner rod"));
    s.push_back(positive_param("l2", 1.0, "length of the outer rod"));
    s.push_back(real_param("g", 9.81, "gravitational acceleration", 0.0, 1e6));
    s.push_back(real_param("initial_angle", std::numbers::pi, "initial angles uniform in [-initial_angle, initial_angle]",
                           0.0, std::numbers::pi));
    s.push_back(real_param("initial_omega_std", 0.0, "initial angular velocities N(0, initial_omega_std^2)", 0.0, 1e6));
    return s;
  }

  SplitLayout layout(const Params& p, Split split) const override {
    const std::int64_t frames = frame_count(split_steps(p, split), p.integer("every"));
    return {.frames = frames, .particles = 2, .dim = 2, .charges = false,
            .extras = {{"angles", {frames, 2}}, {"angular_velocities", {frames, 2}}}};
  }

  void simulate(const Params& p, Split split, std::int64_t index, const SimulationRecord& out) const override {
    const Pendulum pend{p.real("m1"), p.real("m2"), p.real("l1"), p.real("l2"), p.real("g")};
    // Initial draws in this order: the two angles, the two angular velocities.
    Philox rng = simulation_rng(static_cast<std::uint64_t>(p.integer("seed")), split, index);
    const double a = p.real("initial_angle");
    Tensor<double> th = draw_uniform(rng, 1, 2, -a, a);                     // (1, 2)
    Tensor<double> w = draw_normal(rng, 1, 2, p.real("initial_omega_std"));  // (1, 2)
    out.masses[0] = pend.m1;
    out.masses[1] = pend.m2;

    auto force = [&](const Tensor<double>& q, const Tensor<double>& v, double, Tensor<double>& acc) {
      pend.accelerations(q.data(), v.data(), acc.data());
    };
    auto state = integrators::make_state(std::move(th), std::move(w));
    const std::int64_t every = p.integer("every");
    run_frames(integrators::RK4{.dt = p.real("dt")}, force, integrators::OpenBoundary{}, state, 0,
               frame_count(split_steps(p, split), every), every,
               [&](std::int64_t f, const integrators::State<Tensor<double>>& s) {
                 pend.cartesian(s.q.data(), s.v.data(), out.positions + 4 * f, out.velocities + 4 * f);
                 store(s.q, out.extras[0] + 2 * f);
                 store(s.v, out.extras[1] + 2 * f);
               });
  }
};

}  // namespace

const Generator& double_pendulum_generator() {
  static const DoublePendulum g;
  return g;
}

}  // namespace dg::datasets
