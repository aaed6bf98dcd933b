// The underdamped and overdamped mean-field Langevin runs (train.hpp).
#include "examples/mean_field_langevin/train.hpp"

#include "integrators/integrators.hpp"

namespace dg::mean_field_langevin {

namespace ig = dg::integrators;

namespace {

// The force callback of the integrators: accelerations (N, D) from positions and velocities.
using Drift = std::function<void(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& a)>;

// The drift -N grad_theta F(mu_N) (the per-particle gradient of the first variation), recording
// F at each evaluation.
Drift mean_field_drift(const Functional& F, Tape<double>& tape, std::vector<double>& record) {
  return [&F, &tape, &record](const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& a) {
    tape.reset();
    const Var<double> theta = tape.variable(q);
    const Var<double> value = F(tape, theta);
    const Var<double> grad = tape.grad(value, theta, /*create_graph=*/false);
    const double n = double(q.rows());
    for (index_t i = 0; i < q.numel(); ++i) a[i] = -n * grad[i];
    record.push_back(value.item());
  };
}

}  // namespace

Run run(const Algorithm& alg, const Functional& F, const Tensor<double>& start, std::int64_t evaluations,
        std::uint64_t seed, nn::ProgressLine& progress, int phase, int phases) {
  Run r;
  Tape<double> tape;
  const Drift drift = mean_field_drift(F, tape, r.objective);
  auto s = ig::make_state(start, Tensor<double>::zeros(start.shape()), seed);  // at rest
  ig::Workspace<Tensor<double>> ws;
  auto observe = [&](const ig::State<Tensor<double>>& now) {
    progress.update(phase, phases, now.step, evaluations - 1, r.objective.back());
  };
  if (alg.underdamped) {
    const ig::MeanFieldLangevin scheme{.dt = alg.dt, .bath = {.gamma = alg.gamma, .kT = alg.kT, .mass = {}}};
    ig::init(scheme, s, drift, ws);
    ig::run(scheme, s, drift, ig::OpenBoundary{}, ws, evaluations - 1, observe);
  } else {
    const ig::EulerMaruyama scheme{.dt = alg.dt, .bath = {.gamma = 1.0, .kT = alg.kT, .mass = {}}};
    ig::init(scheme, s, drift, ws);
    ig::run(scheme, s, drift, ig::OpenBoundary{}, ws, evaluations - 1, observe);
  }
  r.final_particles = s.q;
  return r;
}

}  // namespace dg::mean_field_langevin
