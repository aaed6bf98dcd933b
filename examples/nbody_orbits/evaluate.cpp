// The integrator runs and their energy measures (evaluate.hpp).
#include "examples/nbody_orbits/evaluate.hpp"

#include <algorithm>
#include <cmath>

namespace dg::nbody_orbits {

namespace ig = dg::integrators;

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

EnergyTrace run(const Scheme& scheme, const System& sys, std::int64_t steps, std::int64_t every, const Observer& observe) {
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

double growth(const EnergyTrace& tr) {
  if (tr.diverged) return 1e12;
  const std::size_t fifth = std::max<std::size_t>(1, tr.error.size() / 5);
  const double early = *std::max_element(tr.error.begin() + 1, tr.error.begin() + std::ptrdiff_t(fifth) + 1);
  const double late = *std::max_element(tr.error.end() - std::ptrdiff_t(fifth), tr.error.end());
  return late / std::max(early, 1e-300);
}

double max_error(const EnergyTrace& tr) { return *std::max_element(tr.error.begin(), tr.error.end()); }

namespace {

// An observer that counts steps on the progress line.
Observer ticker(nn::ProgressLine& progress, int phase, int phases, std::int64_t total) {
  return [&progress, phase, phases, total, n = std::int64_t{0}](const ig::State<Tensor<double>>&) mutable {
    progress.update(phase, phases, ++n, total, 0);
  };
}

}  // namespace

ClosedOrbit closed_orbit(const System& eight, std::int64_t fine, nn::ProgressLine& progress, int phase, int phases) {
  ClosedOrbit c;
  c.steps = fine;
  const EnergyTrace closed = run(make_scheme(kYoshida, kPeriod / double(fine)), eight, fine, fine / 100,
                                 [&](const ig::State<Tensor<double>>& s) {
                                   progress.update(phase, phases, s.step, fine, 0);
                                   if (s.step % 5 != 0) return;
                                   c.t.push_back(s.t);
                                   c.q.insert(c.q.end(), s.q.data(), s.q.data() + 6);
                                 });
  for (index_t i = 0; i < 6; ++i) {
    c.return_q = std::max(c.return_q, std::abs(closed.q[i] - eight.q0[i]));
    c.return_v = std::max(c.return_v, std::abs(closed.v[i] - eight.v0[i]));
  }
  return c;
}

Orders orders(const System& eight, nn::ProgressLine& progress, int phase, int phases) {
  Orders o;
  for (int k = 0; k < kSchemes; ++k) {
    for (int j = 0; j < 3; ++j)
      o.error[k][j] = max_error(run(make_scheme(k, kPeriod / double(Orders::steps[j])), eight, Orders::steps[j], 1,
                                    ticker(progress, phase, phases, 1750)));
    o.order[k] = std::log2(o.error[k][0] / o.error[k][2]) / 2;  // slope over a factor 4 in dt
  }
  return o;
}

std::vector<EnergyTrace> long_runs(const System& sys, double dt, std::int64_t steps, std::int64_t every,
                                   nn::ProgressLine& progress, int phase, int phases) {
  std::vector<EnergyTrace> runs;
  for (int k = 0; k < kSchemes; ++k) runs.push_back(run(make_scheme(k, dt), sys, steps, every, ticker(progress, phase, phases, steps)));
  return runs;
}

}  // namespace dg::nbody_orbits
