// `lorenz` and `roessler`: chaotic three-dimensional flows x' = f(x) for forecasting (part of the
// `chaotic` family with double_pendulum). No published data set is followed; the choices:
//
//   lorenz    Lorenz-63, sigma = 10, rho = 28, beta = 8/3:
//             f = (sigma (y - x), x (rho - z) - y, x y - beta z).
//             dt = 0.001, a frame every 10 steps (0.01 time units), 10,000 steps: 999 frames
//             over 10 time units (about 9 Lyapunov times, lambda_max ~ 0.9).
//   roessler  Roessler, a = b = 0.2, c = 5.7: f = (-y - z, x + a y, b + z (x - c)).
//             dt = 0.01, a frame every 10 steps (0.1 time units), 10,000 steps: 999 frames
//             over 100 time units (about 17 turns).
// Both: classical RK4; the initial point is N(0, initial_std^2) per coordinate, then `burn_in`
// steps (10,000: 10 and 100 time units) that are not saved bring it onto the attractor.
// Sizes: 20 / 5 / 5 simulations by default, 1,000 / 100 / 100 with --published (our reference
// size: no paper fixes one).
//
// Arrays: positions (S, F, 1, 3) the point x, velocities (S, F, 1, 3) = f(x), masses (S, 1) = 1.
//
// RK4 on x' = f(x) is integrators::RK4 on the second-order system (q, v)' = (v, f(v)): its
// velocity stages are exactly the RK4 stages of x, so v advances as classical RK4 on x' = f(x)
// and a = f(v) is the flow at the saved point; q (the time integral of x) is not used.
#include "datasets/builtin.hpp"
#include "datasets/simulation.hpp"

namespace dg::datasets {

namespace {

struct FlowSetting {
  const char* name;
  const char* summary;
  double dt;
  // The three coefficients: names, defaults, help.
  std::array<const char*, 3> coefficient;
  std::array<double, 3> value;
  const char* formula;
  // f(x; c) for a point x (3) and the coefficients c (3), into out (3).
  void (*field)(const double* x, const double* c, double* out);
};

void lorenz_field(const double* x, const double* c, double* out) {
  out[0] = c[0] * (x[1] - x[0]);
  out[1] = x[0] * (c[1] - x[2]) - x[1];
  out[2] = x[0] * x[1] - c[2] * x[2];
}

void roessler_field(const double* x, const double* c, double* out) {
  out[0] = -x[1] - x[2];
  out[1] = x[0] + c[0] * x[1];
  out[2] = c[1] + x[2] * (x[0] - c[2]);
}

class Flow final : public Generator {
 public:
  explicit Flow(const FlowSetting& s) : s_(s) {}
  std::string name() const override { return s_.name; }
  std::string summary() const override { return s_.summary; }

  std::vector<ParamSpec> param_specs() const override {
    std::vector<ParamSpec> s = common_specs({.train = 20, .val = 5, .test = 5, .published_train = 1000,
                                             .published_val = 100, .published_test = 100, .steps = 10000,
                                             .test_steps = 10000, .every = 10, .dt = s_.dt, .particles = 0});
    for (int k = 0; k < 3; ++k)
      s.push_back(real_param(s_.coefficient[k], s_.value[k], std::string("coefficient of ") + s_.formula, -1e6, 1e6));
    s.push_back(int_param("burn_in", 10000, "steps run before the first step counted (not saved)", 0, std::int64_t{1} << 40));
    s.push_back(real_param("initial_std", 1.0, "initial point N(0, initial_std^2) per coordinate", 0.0, 1e6));
    return s;
  }

  SplitLayout layout(const Params& p, Split split) const override {
    return {.frames = frame_count(split_steps(p, split), p.integer("every")), .particles = 1, .dim = 3,
            .charges = false, .extras = {}};
  }

  void simulate(const Params& p, Split split, std::int64_t index, const SimulationRecord& out) const override {
    const double c[3] = {p.real(s_.coefficient[0]), p.real(s_.coefficient[1]), p.real(s_.coefficient[2])};
    Philox rng = simulation_rng(static_cast<std::uint64_t>(p.integer("seed")), split, index);
    Tensor<double> x = draw_normal(rng, 1, 3, p.real("initial_std"));  // (1, 3)
    out.masses[0] = 1.0;

    // The flow as the acceleration of the second-order system (header comment).
    auto flow = [&](const Tensor<double>&, const Tensor<double>& v, double, Tensor<double>& a) {
      s_.field(v.data(), c, a.data());
    };
    auto state = integrators::make_state(Tensor<double>::zeros(Shape{1, 3}), std::move(x));
    const std::int64_t every = p.integer("every");
    run_frames(integrators::RK4{.dt = p.real("dt")}, flow, integrators::OpenBoundary{}, state, p.integer("burn_in"),
               frame_count(split_steps(p, split), every), every,
               [&](std::int64_t f, const integrators::State<Tensor<double>>& s) {
                 store(s.v, out.positions + 3 * f);
                 store(s.a, out.velocities + 3 * f);
               });
  }

 private:
  FlowSetting s_;
};

}  // namespace

const Generator& lorenz_generator() {
  static const Flow g({.name = "lorenz",
                       .summary = "chaotic: Lorenz-63 (sigma 10, rho 28, beta 8/3), RK4, dt 0.001, frames 0.01 apart",
                       .dt = 0.001,
                       .coefficient = {"sigma", "rho", "beta"},
                       .value = {10.0, 28.0, 8.0 / 3.0},
                       .formula = "f = (sigma (y - x), x (rho - z) - y, x y - beta z)",
                       .field = lorenz_field});
  return g;
}

const Generator& roessler_generator() {
  static const Flow g({.name = "roessler",
                       .summary = "chaotic: Roessler (a = b = 0.2, c = 5.7), RK4, dt 0.01, frames 0.1 apart",
                       .dt = 0.01,
                       .coefficient = {"a", "b", "c"},
                       .value = {0.2, 0.2, 5.7},
                       .formula = "f = (-y - z, x + a y, b + z (x - c))",
                       .field = roessler_field});
  return g;
}

}  // namespace dg::datasets
