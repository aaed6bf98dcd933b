// nbody_orbits: pure simulation of gravitating bodies, to compare integrators by their energy
// error: symplectic schemes keep it bounded over long runs, RK4 and explicit Euler let it grow,
// and each scheme's error shrinks with the step at the rate of its order.
//
// Systems (G = 1):
//   figure eight  three unit masses on the Chenciner-Montgomery orbit (period T = 6.32591398),
//                 2D, no softening;
//   Plummer       N equal masses (total 1) drawn from a Plummer sphere in virial equilibrium
//                 (Aarseth, Henon and Wielen 1974; Henon units, E = -1/4), 3D, softened gravity.
// Runs: every scheme over many periods of the figure eight and over a stretch of the Plummer
// sphere, recording |E(t) - E(0)| / |E(0)|; the figure eight over one period at three step sizes
// (the order of each scheme); Yoshida4 over one period with a fine step (the orbit must close).
//
//   nbody_orbits [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ...  (--help)
//
// Outputs in --out: results.json, energy_figure8.csv, energy_plummer.csv, convergence.csv,
// orbit.csv, energy_figure8.svg, energy_plummer.svg, convergence.svg, orbit.svg.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <numbers>
#include <variant>

#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/output_dir.hpp"
#include "integrators/integrators.hpp"
#include "io/csv.hpp"
#include "io/svg.hpp"
#include "nn/progress.hpp"
#include "physics/diagnostics.hpp"
#include "physics/force_model.hpp"
#include "physics/pair_forces.hpp"

using namespace dg;
namespace ig = dg::integrators;

namespace {

constexpr double kPeriod = 6.32591398;  // of the figure eight

// ---- the schemes -------------------------------------------------------------------------------------

using Scheme = std::variant<ig::SymplecticEuler, ig::VelocityVerlet, ig::Yoshida4, ig::PEFRL, ig::RK4, ig::ExplicitEuler>;
constexpr int kSchemes = 6;
constexpr const char* kNames[kSchemes] = {"symplectic_euler", "velocity_verlet", "yoshida4", "pefrl", "rk4", "explicit_euler"};
constexpr double kOrder[kSchemes] = {1, 2, 4, 4, 4, 1};
constexpr bool kSymplectic[kSchemes] = {true, true, true, true, false, false};
constexpr int kYoshida = 2;

Scheme make_scheme(int k, double dt) {
  switch (k) {
    case 0: return ig::SymplecticEuler{.dt = dt, .order = ig::EulerOrder::KickDrift};
    case 1: return ig::VelocityVerlet{.dt = dt};
    case 2: return ig::Yoshida4{.dt = dt};
    case 3: return ig::PEFRL{.dt = dt};
    case 4: return ig::RK4{.dt = dt};
    default: return ig::ExplicitEuler{.dt = dt};
  }
}

// ---- the systems -------------------------------------------------------------------------------------

struct System {
  physics::ForceModel model;
  Tensor<double> mass, q0, v0;  // (N), (N, d), (N, d)
  double energy(const Tensor<double>& q, const Tensor<double>& v) const {
    return model.potential_energy(q) + physics::kinetic_energy(v, mass);
  }
};

System figure_eight() {
  Tensor<double> m(Shape{3}, {1.0, 1.0, 1.0});
  Tensor<double> q(Shape{3, 2}, {-0.97000436, 0.24308753, 0.97000436, -0.24308753, 0.0, 0.0});
  const double vx = -0.93240737, vy = -0.86473146;
  Tensor<double> v(Shape{3, 2}, {-vx / 2, -vy / 2, -vx / 2, -vy / 2, vx, vy});
  physics::ForceModel model(m);
  model.add(physics::Gravity(m, {.G = 1, .softening = 0, .boundary = {}}));
  return {model, m, q, v};
}

// N bodies of mass 1/N from the Plummer model with scale a = 3 pi / 16 (Henon units), radii cut
// at 10 a; speeds by von Neumann rejection from q^2 (1 - q^2)^(7/2); centre of mass at rest at 0.
System plummer(index_t n, double softening, std::uint64_t seed) {
  Philox rng(seed, 5);
  const double a = 3 * std::numbers::pi / 16;
  Tensor<double> m(Shape{n}, std::vector<double>(static_cast<std::size_t>(n), 1.0 / double(n)));
  Tensor<double> q(Shape{n, 3}), v(Shape{n, 3});
  auto isotropic = [&](double len, Tensor<double>& x, index_t i) {
    const double z = rng.uniform(-1, 1), phi = rng.uniform(0, 2 * std::numbers::pi), s = std::sqrt(1 - z * z);
    x(i, 0) = len * s * std::cos(phi), x(i, 1) = len * s * std::sin(phi), x(i, 2) = len * z;
  };
  for (index_t i = 0; i < n; ++i) {
    double r = 0;
    do r = a / std::sqrt(std::pow(rng.uniform01(), -2.0 / 3.0) - 1);
    while (r > 10 * a);
    isotropic(r, q, i);
    double x = 0, y = 1;
    while (y > x * x * std::pow(1 - x * x, 3.5)) x = rng.uniform01(), y = 0.1 * rng.uniform01();
    isotropic(x * std::sqrt(2.0) * std::pow(r * r + a * a, -0.25), v, i);
  }
  const Tensor<double> com = physics::center_of_mass(q, m);
  for (index_t i = 0; i < n; ++i)
    for (index_t c = 0; c < 3; ++c) q(i, c) -= com[c];
  physics::remove_center_of_mass_velocity(v, m);
  physics::ForceModel model(m);
  model.add(physics::Gravity(m, {.G = 1, .softening = softening, .boundary = {}}));
  return {model, m, q, v};
}

// ---- runs --------------------------------------------------------------------------------------------

struct EnergyTrace {
  std::vector<double> t, error;  // |E(t) - E(0)| / |E(0)|
  bool diverged = false;         // stopped: error above 1, or a NaN
  Tensor<double> q, v;           // the final state
};

// `steps` steps of `scheme` from the system's start; the energy error every `every` steps;
// observe(state) after every step.
template <class Observer>
EnergyTrace run(const Scheme& scheme, const System& sys, std::int64_t steps, std::int64_t every, Observer&& observe) {
  EnergyTrace trace;
  auto s = ig::make_state(sys.q0, sys.v0);
  const double e0 = sys.energy(s.q, s.v);
  std::visit(
      [&](const auto& sch) {
        ig::Workspace<Tensor<double>> ws;
        ig::init(sch, s, sys.model, ws);
        trace.t.push_back(0);
        trace.error.push_back(0);
        try {
          for (std::int64_t k = 1; k <= steps; ++k) {
            sch.step(s, sys.model, ig::OpenBoundary{}, ws);
            observe(s);
            if (k % every != 0 && k != steps) continue;
            trace.t.push_back(s.t);
            trace.error.push_back(std::abs(sys.energy(s.q, s.v) - e0) / std::abs(e0));
            if (!(trace.error.back() < 1)) {
              trace.diverged = true;
              break;
            }
          }
        } catch (const ig::NonFiniteStateError&) {
          trace.diverged = true;
        }
      },
      scheme);
  trace.q = s.q;
  trace.v = s.v;
  return trace;
}

// Largest error over the first and over the last fifth of a trace: their ratio tells a bounded
// error (about 1) from a growing one. A diverged run counts as growing without bound.
double growth(const EnergyTrace& tr) {
  if (tr.diverged) return 1e12;
  const std::size_t fifth = std::max<std::size_t>(1, tr.error.size() / 5);
  const double early = *std::max_element(tr.error.begin() + 1, tr.error.begin() + std::ptrdiff_t(fifth) + 1);
  const double late = *std::max_element(tr.error.end() - std::ptrdiff_t(fifth), tr.error.end());
  return late / std::max(early, 1e-300);
}

double max_error(const EnergyTrace& tr) { return *std::max_element(tr.error.begin(), tr.error.end()); }

io::svg::LinePlot energy_plot(const std::string& title, const std::string& x_label, const std::vector<EnergyTrace>& traces,
                              double time_unit) {
  io::svg::LinePlot p;
  p.title = title;
  p.x_label = x_label;
  p.y_label = "|E(t) - E(0)| / |E(0)|";
  p.log_y = true;
  for (int k = 0; k < kSchemes; ++k) {
    io::svg::Series s{.name = kNames[k], .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 1; i < traces[k].t.size(); ++i) s.x.push_back(traces[k].t[i] / time_unit), s.y.push_back(traces[k].error[i]);
    p.series.push_back(std::move(s));
  }
  return p;
}

void write_energy_csv(const std::string& path, const std::vector<EnergyTrace>& traces) {
  std::vector<std::string> cols{"t"};
  cols.insert(cols.end(), kNames, kNames + kSchemes);
  io::MetricsLogger log(path, cols);
  for (std::size_t i = 0; i < traces[kYoshida].t.size(); ++i) {
    std::vector<double> row{traces[kYoshida].t[i]};
    for (const EnergyTrace& tr : traces) row.push_back(i < tr.error.size() ? tr.error[i] : std::nan(""));
    log.log(row);
  }
}

}  // namespace

int main(int argc, char** argv) {
  examples::Options opt("nbody_orbits",
                        "The figure-eight three-body orbit and a Plummer sphere with six integrators: energy error "
                        "over long runs and orders of convergence.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "nbody_orbits");
  int& periods = opt.add("periods", 1000, "figure-eight periods of the long runs", 1, 10000000);
  int& per_period = opt.add("steps-per-period", 500, "figure-eight steps per period in the long runs", 10, 100000000);
  std::int64_t& bodies = opt.add("bodies", std::int64_t{512}, "bodies of the Plummer sphere", std::int64_t{2}, std::int64_t{100000});
  double& plummer_time = opt.add("plummer-time", 20.0, "length of the Plummer runs (Henon time units)", 0.01, 1e6);
  double& plummer_dt = opt.add("plummer-dt", 0.01, "step of the Plummer runs", 1e-6, 1.0);
  double& softening = opt.add("softening", 0.05, "Plummer softening length", 0.0, 10.0);
  opt.parse(argc, argv);
  if (so.quick) {
    if (!opt.given("periods")) periods = 100;
    if (!opt.given("bodies")) bodies = 256;
    if (!opt.given("plummer-time")) plummer_time = 5;
  }
  const auto start = std::chrono::steady_clock::now();
  std::string out;
  try {
    if (softening == 0) throw std::invalid_argument("--softening: must be > 0 (a Plummer sphere has close encounters)");
    out = examples::prepare_output_dir(so.out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nbody_orbits: %s\n", e.what());
    return 2;
  }
  set_num_threads(so.threads);
  nn::ProgressLine progress(so.quiet);
  const int phases = 4;
  auto ticker = [&](int phase, std::int64_t total) {
    return [&progress, phase, total, n = std::int64_t{0}](const ig::State<Tensor<double>>&) mutable {
      progress.update(phase, phases, ++n, total, 0);
    };
  };

  // 1. The figure eight, one period with Yoshida4 and a fine step: the orbit closes.
  const System eight = figure_eight();
  const std::int64_t fine = 2000;
  std::vector<double> orbit_t, orbit_q;
  const EnergyTrace closed = run(make_scheme(kYoshida, kPeriod / double(fine)), eight, fine, fine / 100,
                                 [&](const ig::State<Tensor<double>>& s) {
                                   progress.update(1, phases, s.step, fine, 0);
                                   if (s.step % 5 != 0) return;
                                   orbit_t.push_back(s.t);
                                   orbit_q.insert(orbit_q.end(), s.q.data(), s.q.data() + 6);
                                 });
  double return_q = 0, return_v = 0;
  for (index_t i = 0; i < 6; ++i) {
    return_q = std::max(return_q, std::abs(closed.q[i] - eight.q0[i]));
    return_v = std::max(return_v, std::abs(closed.v[i] - eight.v0[i]));
  }

  // 2. Orders: the largest energy error over one period at 3 step sizes (halving).
  const std::int64_t order_steps[3] = {250, 500, 1000};
  double order_error[kSchemes][3], order[kSchemes];
  for (int k = 0; k < kSchemes; ++k) {
    for (int j = 0; j < 3; ++j)
      order_error[k][j] = max_error(run(make_scheme(k, kPeriod / double(order_steps[j])), eight, order_steps[j], 1,
                                        ticker(2, 1750)));
    order[k] = std::log2(order_error[k][0] / order_error[k][2]) / 2;  // slope over a factor 4 in dt
  }

  // 3. Long runs of the figure eight, and 4. of the Plummer sphere.
  const std::int64_t long_steps = std::int64_t{periods} * per_period;
  std::vector<EnergyTrace> eight_runs, plummer_runs;
  for (int k = 0; k < kSchemes; ++k)
    eight_runs.push_back(run(make_scheme(k, kPeriod / per_period), eight, long_steps, std::max(1, per_period / 10),
                             ticker(3, long_steps)));
  const System sphere = plummer(bodies, softening, static_cast<std::uint64_t>(so.seed));
  const double kinetic = physics::kinetic_energy(sphere.v0, sphere.mass), potential = sphere.model.potential_energy(sphere.q0);
  const auto plummer_steps = static_cast<std::int64_t>(std::llround(plummer_time / plummer_dt));
  for (int k = 0; k < kSchemes; ++k)
    plummer_runs.push_back(run(make_scheme(k, plummer_dt), sphere, plummer_steps,
                               std::max<std::int64_t>(1, std::llround(0.05 / plummer_dt)), ticker(4, plummer_steps)));
  progress.finish();
  const double seconds = examples::seconds_since(start);

  // Table.
  std::printf("figure eight: one period with yoshida4 (%lld steps): max |q(T) - q(0)| %.3e, max |v(T) - v(0)| %.3e\n",
              static_cast<long long>(fine), return_q, return_v);
  std::printf("Plummer sphere: %lld bodies, softening %g, virial ratio 2K/|U| %.3f, E %.4f\n\n",
              static_cast<long long>(bodies), softening, 2 * kinetic / std::abs(potential), kinetic + potential);
  std::printf("%-17s %28s %6s %15s %9s %15s %9s\n", "", "max energy error, 1 period", "order", "figure eight",
              "growth", "Plummer", "growth");
  std::printf("%-17s %9lld %9lld %9lld %6s %15s %9s %15s %9s\n", "scheme", static_cast<long long>(order_steps[0]),
              static_cast<long long>(order_steps[1]), static_cast<long long>(order_steps[2]), "", "max error", "", "max error", "");
  for (int k = 0; k < kSchemes; ++k) {
    auto cell = [](const EnergyTrace& tr) {
      char buf[32];
      if (tr.diverged) std::snprintf(buf, sizeof buf, "diverged t=%.0f", tr.t.back());
      else std::snprintf(buf, sizeof buf, "%.3e", max_error(tr));
      return std::string(buf);
    };
    std::printf("%-17s %9.2e %9.2e %9.2e %6.2f %15s %9.3g %15s %9.3g\n", kNames[k], order_error[k][0], order_error[k][1],
                order_error[k][2], order[k], cell(eight_runs[k]).c_str(), growth(eight_runs[k]), cell(plummer_runs[k]).c_str(),
                growth(plummer_runs[k]));
  }
  std::printf("(long runs: figure eight %d periods of %d steps, Plummer t = %g with dt %g; growth = largest error in the "
              "last fifth / in the first fifth)\n", periods, per_period, plummer_time, plummer_dt);

  // Checks: the orbit closes; on the figure eight the symplectic schemes' error stays bounded and
  // RK4's and explicit Euler's grow; every scheme's energy error falls with dt at least at the
  // rate of its order (less 0.5: explicit Euler is not yet asymptotic at these steps; RK4's
  // energy error falls faster than dt^4 on this orbit, about as dt^5).
  std::vector<examples::Check> checks{{"figure eight: yoshida4 max |q(T) - q(0)|", return_q, 1e-6, examples::Check::AtMost},
                                      {"figure eight: yoshida4 max |v(T) - v(0)|", return_v, 1e-6, examples::Check::AtMost}};
  for (int k = 0; k < kSchemes; ++k) {
    const std::string name = std::string("figure eight: ") + kNames[k];
    if (kSymplectic[k]) checks.push_back({name + " energy error growth (bounded)", growth(eight_runs[k]), 2, examples::Check::AtMost});
    else checks.push_back({name + " energy error growth (drifts)", growth(eight_runs[k]), 3, examples::Check::AtLeast});
    checks.push_back({name + " order of the energy error (theory " + std::to_string(int(kOrder[k])) + ")", order[k],
                      kOrder[k] - 0.5, examples::Check::AtLeast});
  }

  // Files.
  write_energy_csv(out + "energy_figure8.csv", eight_runs);
  write_energy_csv(out + "energy_plummer.csv", plummer_runs);
  {
    std::vector<std::string> cols{"steps_per_period", "dt"};
    cols.insert(cols.end(), kNames, kNames + kSchemes);
    io::MetricsLogger conv(out + "convergence.csv", cols);
    for (int j = 0; j < 3; ++j) {
      std::vector<double> row{double(order_steps[j]), kPeriod / double(order_steps[j])};
      for (int k = 0; k < kSchemes; ++k) row.push_back(order_error[k][j]);
      conv.log(row);
    }
    io::MetricsLogger orbit(out + "orbit.csv", {"t", "x1", "y1", "x2", "y2", "x3", "y3"});
    for (std::size_t i = 0; i < orbit_t.size(); ++i)
      orbit.log({orbit_t[i], orbit_q[6 * i], orbit_q[6 * i + 1], orbit_q[6 * i + 2], orbit_q[6 * i + 3], orbit_q[6 * i + 4], orbit_q[6 * i + 5]});
  }
  io::svg::write_svg(out + "energy_figure8.svg",
                     {energy_plot("figure eight: energy error, " + std::to_string(per_period) + " steps per period",
                                  "time (periods)", eight_runs, kPeriod)}, 720, 440);
  io::svg::write_svg(out + "energy_plummer.svg",
                     {energy_plot("Plummer sphere (N = " + std::to_string(bodies) + "): energy error", "time", plummer_runs, 1.0)},
                     720, 440);
  io::svg::LinePlot conv;
  conv.title = "figure eight: max energy error over one period";
  conv.x_label = "log10 dt";
  conv.y_label = "max |E - E(0)| / |E(0)|";
  conv.log_y = true;
  for (int k = 0; k < kSchemes; ++k) {
    io::svg::Series s{.name = kNames[k], .x = {}, .y = {}, .color = ""};
    for (int j = 0; j < 3; ++j) s.x.push_back(std::log10(kPeriod / double(order_steps[j]))), s.y.push_back(order_error[k][j]);
    conv.series.push_back(std::move(s));
  }
  io::svg::write_svg(out + "convergence.svg", {conv});
  io::svg::ScatterPlot orbit;
  orbit.title = "figure eight: one period (yoshida4)";
  orbit.x_label = "x";
  orbit.y_label = "y";
  orbit.point_markers = false;
  for (int b = 0; b < 3; ++b) {
    io::svg::Series s{.name = "body " + std::to_string(b + 1), .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 0; i < orbit_t.size(); ++i) s.x.push_back(orbit_q[6 * i + 2 * b]), s.y.push_back(orbit_q[6 * i + 2 * b + 1]);
    orbit.series.push_back(std::move(s));
    orbit.markers.push_back({.x = eight.q0(b, 0), .y = eight.q0(b, 1), .symbol = 'o', .color = "black"});
  }
  io::svg::write_svg(out + "orbit.svg", {orbit}, 560, 320);

  io::Json results = examples::results_header(opt, so.seed, seconds);
  results.set("figure_eight", io::Json::object({{"period", kPeriod}, {"return_q", return_q}, {"return_v", return_v}}));
  results.set("plummer", io::Json::object({{"bodies", bodies}, {"virial_ratio", 2 * kinetic / std::abs(potential)},
                                           {"energy", kinetic + potential}}));
  io::JsonObject schemes;
  for (int k = 0; k < kSchemes; ++k) {
    auto trace_json = [](const EnergyTrace& tr) {
      return io::Json::object({{"max_error", max_error(tr)}, {"growth", growth(tr)}, {"diverged", tr.diverged}, {"t_end", tr.t.back()}});
    };
    schemes.emplace_back(kNames[k], io::Json::object({{"one_period_max_error", std::vector<double>(order_error[k], order_error[k] + 3)},
                                                      {"order", order[k]},
                                                      {"expected_order", kOrder[k]},
                                                      {"figure_eight", trace_json(eight_runs[k])},
                                                      {"plummer", trace_json(plummer_runs[k])}}));
  }
  results.set("schemes", io::Json(std::move(schemes)));
  results.set("checks", examples::checks_json(checks));
  io::write_json(out + "results.json", results);
  std::printf("%.1f s in all; wrote results.json, energy_*.csv, convergence.csv, orbit.csv and the SVG plots to %s\n",
              seconds, out.c_str());
  return examples::print_checks(checks, so.check);
}
