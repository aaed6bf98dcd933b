// Force errors, loop work, long runs and energy drift of the learned_energy models (evaluate.hpp).
#include "examples/learned_energy/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>

#include "physics/diagnostics.hpp"

namespace dg::learned_energy {

namespace ig = dg::integrators;

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

physics::AccelFn learned_accel(Model& m) {
  struct Work {
    Tape<double> tape;
    Tensor<double> x1{Shape{1, kDof}};
  };
  auto work = std::make_shared<Work>();
  return [&m, work](const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& a) {
    std::copy(q.data(), q.data() + kDof, work->x1.data());
    work->tape.reset();
    const Var<double> f = m.forces(work->tape, work->x1, false);
    std::copy(f.data(), f.data() + kDof, a.data());
  };
}

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

Drift measure_drift(const std::vector<double>& e, double e0) {
  const std::size_t tenth = std::max<std::size_t>(1, e.size() / 10);
  double first = 0, last = 0, max = 0;
  for (std::size_t i = 0; i < tenth; ++i) first += e[i], last += e[e.size() - 1 - i];
  for (double v : e) max = std::max(max, std::abs(v - e.front()));
  return {std::abs(last - first) / double(tenth) / e0, max / e0};
}

}  // namespace dg::learned_energy
