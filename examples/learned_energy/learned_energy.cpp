// learned_energy: a network that learns a scalar energy U(x) from observed forces, through
// F = -dU/dx (gradients of gradients on the tape), conserves energy when simulated; a network of
// the same size that predicts the forces directly does not.
//
// The system: 4 unit masses in 2D joined by 6 springs (a square with its diagonals, rest
// lengths 1 and sqrt 2, stiffness 1), each tied to its corner by a tether (k = 0.5). Training data: positions and
// true forces along trajectories from random starts (velocity Verlet). Both models are MLPs
// 8 -> 64 -> 64 -> out with tanh, trained with Adam on the force error with the same steps,
// batches and learning rates: the energy model outputs U (forces = -grad U, the loss
// differentiated through that gradient), the direct model outputs the 8 force components.
// Each learned system (and the true one) is then run with velocity Verlet from a held-out start,
// and its energy recorded: the energy model's own energy U_theta + kinetic, and the true energy
// of every run. A second measure of "being a gradient": the work of the force on particle 0
// around small closed loops (zero for any gradient field).
//
//   learned_energy [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ...  (--help)
//
// Outputs in --out: results.json, training.csv, energy.csv, energy.svg, training.svg,
// trajectories.svg.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <numbers>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/output_dir.hpp"
#include "integrators/integrators.hpp"
#include "io/csv.hpp"
#include "io/svg.hpp"
#include "nn/adam.hpp"
#include "nn/batches.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"
#include "nn/progress.hpp"
#include "nn/schedule.hpp"
#include "physics/diagnostics.hpp"
#include "physics/force_model.hpp"
#include "physics/pair_forces.hpp"

using namespace dg;
namespace ig = dg::integrators;

namespace {

constexpr index_t kN = 4, kD = 2, kDof = kN * kD;  // particles, dimensions, inputs of the models

// ---- the true system ---------------------------------------------------------------------------

// The corners of the unit square about the origin: the tether sites, and the rest shape.
constexpr double kCorner[kN][kD] = {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};

// U = k |x_i - site_i|^2 / 2: each particle tied to its corner, so that the cluster neither
// drifts nor turns and the models can take absolute positions as input.
class Tethers final : public physics::Force {
 public:
  explicit Tethers(double k) : k_(k) {}
  void add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const override {
    for (index_t i = 0; i < kN; ++i)
      for (index_t c = 0; c < kD; ++c) F(i, c) -= k_ * (q(i, c) - kCorner[i][c]);
  }
  double potential_energy(const Tensor<double>& q, double) const override {
    double u = 0;
    for (index_t i = 0; i < kN; ++i)
      for (index_t c = 0; c < kD; ++c) u += 0.5 * k_ * (q(i, c) - kCorner[i][c]) * (q(i, c) - kCorner[i][c]);
    return u;
  }
  index_t num_particles() const override { return kN; }
  const char* name() const override { return "Tethers"; }

 private:
  double k_;
};

physics::ForceModel true_system() {
  Tensor<double> K(Shape{kN, kN}), L(Shape{kN, kN});
  for (index_t i = 0; i < kN; ++i)
    for (index_t j = 0; j < kN; ++j) {
      K(i, j) = i == j ? 0.0 : 1.0;
      L(i, j) = std::hypot(kCorner[i][0] - kCorner[j][0], kCorner[i][1] - kCorner[j][1]);
    }
  physics::ForceModel model(Tensor<double>(Shape{kN}, std::vector<double>(kN, 1.0)));
  model.add(physics::Springs(K, {.rest_length = L})).add(Tethers(0.5));
  return model;
}

// A random start: each particle at its corner moved by N(0, 0.1^2) per coordinate, velocities
// N(0, kT).
ig::State<Tensor<double>> random_start(Philox& rng, double kT) {
  Tensor<double> q(Shape{kN, kD}), v(Shape{kN, kD});
  for (index_t i = 0; i < kN; ++i)
    for (index_t c = 0; c < kD; ++c) {
      q(i, c) = kCorner[i][c] + 0.1 * rng.normal();
      v(i, c) = std::sqrt(kT) * rng.normal();
    }
  return ig::make_state(std::move(q), std::move(v));
}

// Positions (M, 8) and true forces (M, 8) every `every` steps along `trajectories` runs.
struct ForceData {
  Tensor<double> x, f;
};

ForceData sample_forces(const physics::ForceModel& system, Philox& rng, int trajectories, int steps, int every,
                        double dt, double kT) {
  const index_t per_run = steps / every, m = per_run * trajectories;
  ForceData d{Tensor<double>(Shape{m, kDof}), Tensor<double>(Shape{m, kDof})};
  index_t row = 0;
  for (int k = 0; k < trajectories; ++k) {
    auto s = random_start(rng, kT);
    ig::Workspace<Tensor<double>> ws;
    const ig::VelocityVerlet scheme{.dt = dt};
    ig::init(scheme, s, system, ws);
    ig::run(scheme, s, system, ig::OpenBoundary{}, ws, per_run * every, [&](const ig::State<Tensor<double>>& now) {
      if (now.step % every != 0) return;
      std::copy(now.q.data(), now.q.data() + kDof, d.x.data() + row * kDof);
      std::copy(now.a.data(), now.a.data() + kDof, d.f.data() + row * kDof);  // unit masses: a = F
      ++row;
    });
  }
  return d;
}

// ---- the two models ------------------------------------------------------------------------------

enum class Kind { Energy, Direct };
const char* kind_name(Kind k) { return k == Kind::Energy ? "energy" : "direct"; }

struct Model {
  Kind kind;
  nn::MLP<double> net;
  Model(Kind k, int hidden, Philox& rng)
      : kind(k), net({kDof, hidden, hidden, k == Kind::Energy ? 1 : kDof}, rng, {.activation = nn::Activation::Tanh}) {}

  // Forces (B, 8) at positions x (B, 8). The energy model differentiates sum U over the batch
  // (each row's energy depends on its own row only); with `create_graph` the result can be
  // differentiated again, as training needs.
  Var<double> forces(Tape<double>& tape, const Tensor<double>& x, bool create_graph) {
    if (kind == Kind::Direct) return net(tape, tape.constant(x));
    Var<double> xv = tape.variable(x);
    return -tape.grad(sum(net(tape, xv)), xv, create_graph);
  }
  // The learned energy U_theta of one configuration x (1, 8) (energy model only).
  double energy(Tape<double>& tape, const Tensor<double>& x) {
    tape.reset();
    NoGradGuard<double> no_grad(tape);
    return net(tape, tape.constant(x)).item();
  }
};

struct TrainSettings {
  int steps, batch;
  double lr;
  std::uint64_t seed;
};

// Adam on the mean squared force error, warm-up and cosine decay; returns the loss per step.
std::vector<double> train(Model& model, const ForceData& data, const TrainSettings& ts, nn::ProgressLine& progress,
                          int phase, int phases) {
  nn::Adam<double> opt(model.net.parameters(), {.lr = ts.lr});
  const nn::Schedule lr = nn::warmup(nn::cosine_schedule(ts.lr, ts.steps, ts.lr * 1e-3), std::min(100, ts.steps / 10));
  nn::MiniBatches<double> batches(data.x, data.f, ts.batch, ts.seed, {.drop_last = true});
  Tape<double> tape;
  std::vector<double> losses;
  for (int step = 0, epoch = 0; step < ts.steps; ++epoch) {
    batches.start_epoch(epoch);
    for (index_t b = 0; b < batches.batch_count() && step < ts.steps; ++b, ++step) {
      const auto batch = batches.batch(b);
      tape.reset();
      Var<double> loss = nn::mse_loss(model.forces(tape, batch.inputs, true), tape.constant(batch.targets));
      tape.backward(loss);
      opt.set_lr(lr(step));
      opt.step();
      opt.zero_grad();
      losses.push_back(loss.item());
      progress.update(phase, phases, step + 1, ts.steps, losses.back());
    }
  }
  return losses;
}

// Root mean squared force error on held-out data, relative to the RMS force.
double relative_force_error(Model& model, const ForceData& test) {
  Tape<double> tape;
  const Var<double> f = model.forces(tape, test.x, false);
  double err = 0, norm = 0;
  for (index_t i = 0; i < test.f.numel(); ++i) {
    err += (f[i] - test.f[i]) * (f[i] - test.f[i]);
    norm += test.f[i] * test.f[i];
  }
  return std::sqrt(err / norm);
}

// The work of the force on particle 0 around a circle of radius r about its position, the other
// particles held, relative to the integral of |F_0| |dx| (midpoint rule, `points` segments);
// averaged over the first `configs` test configurations. Zero for a gradient field (up to the
// quadrature error), so a non-zero value is the curl of the learned force.
double loop_work_ratio(Model& model, const ForceData& test, int configs, int points, double r) {
  Tape<double> tape;
  Tensor<double> x(Shape{points, kDof});
  double ratio = 0;
  for (int c = 0; c < configs; ++c) {
    for (int p = 0; p < points; ++p) {
      const double phi = 2 * std::numbers::pi * (p + 0.5) / points;
      std::copy(test.x.data() + c * kDof, test.x.data() + (c + 1) * kDof, x.data() + p * kDof);
      x(p, 0) += r * std::cos(phi);
      x(p, 1) += r * std::sin(phi);
    }
    tape.reset();
    const Var<double> f = model.forces(tape, x, false);
    double work = 0, total = 0;
    const double ds = 2 * std::numbers::pi * r / points;
    for (int p = 0; p < points; ++p) {
      const double phi = 2 * std::numbers::pi * (p + 0.5) / points;
      work += (-std::sin(phi) * f(p, 0) + std::cos(phi) * f(p, 1)) * ds;
      total += std::hypot(f(p, 0), f(p, 1)) * ds;
    }
    ratio += std::abs(work) / total;
  }
  return ratio / configs;
}

// ---- long runs -------------------------------------------------------------------------------------

// The energies recorded along one run, every `every` steps from t = 0.
struct EnergyRun {
  std::string name;
  std::vector<double> t, true_energy, own_energy;  // own: U_theta + kinetic (energy model only)
  std::vector<double> x0, y0;                      // particle 0's path (first frames)
  bool diverged = false;                           // stopped early: energy beyond 100x its start
};

// Velocity Verlet from `start` for `steps` steps of dt, with accelerations from `accel`.
EnergyRun simulate(const std::string& name, const ig::State<Tensor<double>>& start, const physics::AccelFn& accel,
                   const physics::ForceModel& system, Model* energy_model, double dt, std::int64_t steps, int every,
                   nn::ProgressLine& progress, int phase, int phases) {
  EnergyRun run;
  run.name = name;
  Tape<double> tape;
  Tensor<double> x(Shape{1, kDof});
  const Tensor<double> ones(Shape{kN}, std::vector<double>(kN, 1.0));
  auto record = [&](const ig::State<Tensor<double>>& s) {
    const double kinetic = physics::kinetic_energy(s.v, ones);
    run.t.push_back(s.t);
    run.true_energy.push_back(system.potential_energy(s.q) + kinetic);
    if (energy_model) {
      std::copy(s.q.data(), s.q.data() + kDof, x.data());
      run.own_energy.push_back(energy_model->energy(tape, x) + kinetic);
    }
    if (run.x0.size() < 2000) run.x0.push_back(s.q(0, 0)), run.y0.push_back(s.q(0, 1));
  };
  auto s = start;
  ig::Workspace<Tensor<double>> ws;
  const ig::VelocityVerlet scheme{.dt = dt};
  ig::init(scheme, s, accel, ws);
  record(s);
  const double e0 = run.true_energy.front();
  try {
    for (std::int64_t k = 0; k < steps && !run.diverged; ++k) {
      scheme.step(s, accel, ig::OpenBoundary{}, ws);
      if (s.step % every != 0) continue;
      record(s);
      run.diverged = !(std::abs(run.true_energy.back() - e0) < 100 * std::abs(e0));
      progress.update(phase, phases, s.step, steps, run.true_energy.back());
    }
  } catch (const ig::NonFiniteStateError&) {
    run.diverged = true;
  }
  return run;
}

// Relative measures of a recorded energy E(t), in units of the true starting energy e0 (> 0):
//   drift: |mean over the last tenth - mean over the first tenth| / e0 (a trend, not the wobble)
//   max:   max |E(t) - E(0)| / e0
struct Drift {
  double drift = 0, max = 0;
};
Drift measure_drift(const std::vector<double>& e, double e0) {
  const std::size_t tenth = std::max<std::size_t>(1, e.size() / 10);
  double first = 0, last = 0, max = 0;
  for (std::size_t i = 0; i < tenth; ++i) first += e[i], last += e[e.size() - 1 - i];
  for (double v : e) max = std::max(max, std::abs(v - e.front()));
  return {std::abs(last - first) / double(tenth) / e0, max / e0};
}

}  // namespace

int main(int argc, char** argv) {
  examples::Options opt("learned_energy",
                        "Learns an energy from forces (F = -dU/dx) and compares its energy conservation with a direct force model.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "learned_energy");
  int& train_runs = opt.add("train-runs", 4000, "training trajectories", 1, 100000);
  int& run_steps = opt.add("run-steps", 100, "steps of each training trajectory", 10, 10000000);
  int& steps = opt.add("steps", 8000, "training steps per model", 1, 100000000);
  int& batch = opt.add("batch", 256, "configurations per training step", 1, 1000000);
  int& hidden = opt.add("hidden", 64, "width of both MLPs", 1, 4096);
  double& lr = opt.add("lr", 1e-2, "peak Adam learning rate (warm-up, cosine decay)", 1e-8, 1.0);
  double& kT = opt.add("kT", 0.15, "temperature of the random starting velocities", 1e-6, 100.0);
  double& dt = opt.add("dt", 0.01, "time step of data and simulations", 1e-6, 1.0);
  std::int64_t& sim_steps = opt.add("sim-steps", std::int64_t{200000}, "steps of each long run", std::int64_t{100});
  opt.parse(argc, argv);
  if (so.quick) {  // smaller defaults; options given explicitly still win
    if (!opt.given("train-runs")) train_runs = 2000;
    if (!opt.given("steps")) steps = 2000;
    if (!opt.given("sim-steps")) sim_steps = 30000;
  }
  const auto start = std::chrono::steady_clock::now();
  std::string out;
  try {
    if (batch > train_runs * (run_steps / 10))
      throw std::invalid_argument("--batch " + std::to_string(batch) + " is larger than the training set (" +
                                  std::to_string(train_runs * (run_steps / 10)) + " configurations)");
    out = examples::prepare_output_dir(so.out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "learned_energy: %s\n", e.what());
    return 2;
  }
  set_num_threads(so.threads);
  const auto seed = static_cast<std::uint64_t>(so.seed);

  // Data: training and held-out trajectories (different random streams), and a held-out start.
  const physics::ForceModel system = true_system();
  Philox train_rng(seed, 1), test_rng(seed, 2), start_rng(seed, 3);
  const ForceData train_data = sample_forces(system, train_rng, train_runs, run_steps, 10, dt, kT);
  const ForceData test_data = sample_forces(system, test_rng, 50, run_steps, 10, dt, kT);
  const auto sim_start = random_start(start_rng, kT);
  std::printf("data: %lld training and %lld test configurations of 4 particles (springs and tethers)\n",
              static_cast<long long>(train_data.x.rows()), static_cast<long long>(test_data.x.rows()));

  // Train both models with the same budget.
  nn::ProgressLine progress(so.quiet);
  const int phases = 5;
  std::vector<std::unique_ptr<Model>> models;  // fixed addresses: the parameters are registered
  std::vector<std::vector<double>> losses;
  std::vector<double> train_seconds;
  for (Kind kind : {Kind::Energy, Kind::Direct}) {
    Philox init_rng(seed, 10);  // the same initial hidden layers for both
    models.push_back(std::make_unique<Model>(kind, hidden, init_rng));
    const auto t0 = std::chrono::steady_clock::now();
    losses.push_back(train(*models.back(), train_data, {steps, batch, lr, seed + 7}, progress,
                           static_cast<int>(models.size()), phases));
    train_seconds.push_back(examples::seconds_since(t0));
  }

  // Long runs: the true system, the energy model, the direct model, from the same start.
  const int every = 10;
  Tape<double> sim_tape;
  Tensor<double> x1(Shape{1, kDof});
  auto learned_accel = [&](Model& m) -> physics::AccelFn {
    return [&](const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& a) {
      std::copy(q.data(), q.data() + kDof, x1.data());
      sim_tape.reset();
      const Var<double> f = m.forces(sim_tape, x1, false);
      std::copy(f.data(), f.data() + kDof, a.data());
    };
  };
  std::vector<EnergyRun> runs;
  runs.push_back(simulate("true", sim_start, system.accel_fn(), system, nullptr, dt, sim_steps, every, progress, 3, phases));
  runs.push_back(simulate("energy", sim_start, learned_accel(*models[0]), system, models[0].get(), dt, sim_steps, every, progress, 4, phases));
  runs.push_back(simulate("direct", sim_start, learned_accel(*models[1]), system, nullptr, dt, sim_steps, every, progress, 5, phases));
  progress.finish();

  // Measures.
  const double e0 = runs[0].true_energy.front();
  std::vector<Drift> true_drift;
  for (const EnergyRun& r : runs) true_drift.push_back(measure_drift(r.true_energy, e0));
  const Drift own = measure_drift(runs[1].own_energy, e0);
  double force_error[2], loop_ratio[2];
  for (int m = 0; m < 2; ++m) {
    force_error[m] = relative_force_error(*models[m], test_data);
    loop_ratio[m] = loop_work_ratio(*models[m], test_data, 32, 64, 0.2);
  }
  const double seconds = examples::seconds_since(start);

  std::printf("\n%-8s %8s %10s %10s %11s %11s %11s %11s %9s\n", "model", "train s", "force err", "loop work",
              "own drift", "own max", "true drift", "true max", "diverged");
  for (int m = 0; m < 3; ++m) {
    auto num = [](bool shown, const char* fmt, double v) {
      char buf[32] = "-";
      if (shown) std::snprintf(buf, sizeof buf, fmt, v);
      return std::string(buf);
    };
    const bool learned = m > 0;
    std::printf("%-8s %8s %10s %10s %11s %11s %11.3e %11.3e %9s\n", runs[m].name.c_str(),
                num(learned, "%.2f", learned ? train_seconds[m - 1] : 0).c_str(),
                num(learned, "%.4f", learned ? force_error[m - 1] : 0).c_str(),
                num(learned, "%.2e", learned ? loop_ratio[m - 1] : 0).c_str(), num(m == 1, "%.3e", own.drift).c_str(),
                num(m == 1, "%.3e", own.max).c_str(), true_drift[m].drift, true_drift[m].max, runs[m].diverged ? "yes" : "no");
  }
  std::printf("(%lld steps of dt %g, t = %g; energies relative to the true starting energy %.4f; loop work: "
              "|work around small loops| / (|F| length), 0 for a gradient)\n",
              static_cast<long long>(sim_steps), dt, runs[0].t.back(), e0);

  // The result the example exists to show: the direct model drifts at least 10x more than the
  // energy model's own energy moves, and more than the energy model's true energy; both
  // models learned the forces (so the comparison is between two working models).
  const double floor = 1e-12;
  const std::vector<examples::Check> checks{
      {"direct drift / energy-model own max error", true_drift[2].drift / std::max(own.max, floor), 10,
       examples::Check::AtLeast},
      {"direct drift / energy-model true drift", true_drift[2].drift / std::max(true_drift[1].drift, floor), 3,
       examples::Check::AtLeast},
      {"energy model relative force error", force_error[0], 0.2, examples::Check::AtMost},
      {"direct model relative force error", force_error[1], 0.2, examples::Check::AtMost},
  };

  // Files.
  {
    io::MetricsLogger log(out + "training.csv", {"step", "energy_model_loss", "direct_model_loss"});
    for (std::size_t i = 0; i < losses[0].size(); ++i) log.log({double(i + 1), losses[0][i], losses[1][i]});
    io::MetricsLogger energy(out + "energy.csv", {"t", "true_system", "energy_model_own", "energy_model_true", "direct_model_true"});
    for (std::size_t i = 0; i < runs[0].t.size(); ++i) {
      auto at = [&](const std::vector<double>& e) { return i < e.size() ? e[i] : std::nan(""); };
      energy.log({runs[0].t[i], at(runs[0].true_energy), at(runs[1].own_energy), at(runs[1].true_energy), at(runs[2].true_energy)});
    }
  }
  io::svg::LinePlot energy_plot;
  energy_plot.title = "energy error |E(t) - E(0)| / E(0), velocity Verlet dt " + std::to_string(dt).substr(0, 5);
  energy_plot.x_label = "time";
  energy_plot.y_label = "relative energy error";
  energy_plot.log_y = true;
  auto series = [&](const std::string& name, const EnergyRun& r, const std::vector<double>& e) {
    io::svg::Series s{.name = name, .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 1; i < e.size(); i += std::max<std::size_t>(1, e.size() / 1000))
      s.x.push_back(r.t[i]), s.y.push_back(std::abs(e[i] - e[0]) / e0);
    return s;
  };
  energy_plot.series = {series("true system", runs[0], runs[0].true_energy),
                        series("energy model (own energy)", runs[1], runs[1].own_energy),
                        series("energy model (true energy)", runs[1], runs[1].true_energy),
                        series("direct model (true energy)", runs[2], runs[2].true_energy)};
  io::svg::write_svg(out + "energy.svg", {energy_plot}, 720, 440);
  io::svg::LinePlot loss_plot;
  loss_plot.title = "training loss (force MSE)";
  loss_plot.x_label = "step";
  loss_plot.y_label = "loss";
  loss_plot.log_y = true;
  for (int m = 0; m < 2; ++m) {
    io::svg::Series s{.name = std::string(kind_name(models[m]->kind)) + " model", .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 0; i < losses[m].size(); ++i) s.x.push_back(double(i + 1)), s.y.push_back(losses[m][i]);
    loss_plot.series.push_back(std::move(s));
  }
  io::svg::write_svg(out + "training.svg", {loss_plot});
  std::vector<io::svg::Panel> paths;
  for (const EnergyRun& r : runs) {
    io::svg::ScatterPlot p;
    p.title = r.name + ": particle 0, first " + std::to_string(r.x0.size() * every) + " steps";
    p.x_label = "x";
    p.y_label = "y";
    p.point_markers = false;
    p.series = {{.name = "", .x = r.x0, .y = r.y0, .color = ""}};
    paths.push_back(p);
  }
  io::svg::write_svg(out + "trajectories.svg", paths, 360, 360);

  io::Json results = examples::results_header(opt, so.seed, seconds);
  results.set("configurations", io::Json::object({{"train", train_data.x.rows()}, {"test", test_data.x.rows()}}));
  results.set("true_starting_energy", e0);
  io::JsonObject per_run;
  for (int m = 0; m < 3; ++m) {
    io::Json r = io::Json::object({{"true_energy_drift", true_drift[m].drift},
                                    {"true_energy_max_error", true_drift[m].max},
                                    {"diverged", runs[m].diverged},
                                    {"t_end", runs[m].t.back()}});
    if (m > 0) {
      r.set("train_seconds", train_seconds[m - 1]);
      r.set("final_loss", losses[m - 1].back());
      r.set("relative_force_error", force_error[m - 1]);
      r.set("loop_work_ratio", loop_ratio[m - 1]);
    }
    if (m == 1) r.set("own_energy_drift", own.drift), r.set("own_energy_max_error", own.max);
    per_run.emplace_back(runs[m].name, std::move(r));
  }
  results.set("runs", io::Json(std::move(per_run)));
  results.set("checks", examples::checks_json(checks));
  io::write_json(out + "results.json", results);
  std::printf("%.1f s in all; wrote results.json, training.csv, energy.csv, energy.svg, training.svg, trajectories.svg to %s\n",
              seconds, out.c_str());
  return examples::print_checks(checks, so.check);
}
