// Starting and running a scheme (in the jax-md manner: an init and a step), for plain tensors and
// for tape values alike.
//
//   dg::integrators::VelocityVerlet scheme{.dt = 1e-3};
//   auto s = dg::integrators::make_state(q0, v0);           // (N, d) each
//   dg::integrators::Workspace<dg::Tensor<double>> ws;
//   init(scheme, s, force, ws);                              // checks, sizes, first force
//   run(scheme, s, force, boundary, ws, 5000, [&](const auto& s) { if (s.step % 100 == 0) save(s); });
//
// init refuses impossible parameters and shapes before anything runs; every step checks the
// state for NaN/Inf. On a tape the same calls build a differentiable rollout; rollout_loss sums
// per-step losses along it (integrators/checkpoint.hpp does the same in bounded memory).
#pragma once

#include <string>

#include "integrators/state.hpp"
#include "integrators/workspace.hpp"

namespace dg::integrators {

// Checks the state and the scheme's parameters, sizes the workspace and the acceleration slot.
// Does not evaluate the force: for a state whose `a` is already current.
template <class Scheme, class V>
void prepare(const Scheme& scheme, State<V>& s, Workspace<V>& ws) {
  require_valid_state(Scheme::name, s);
  scheme.prepare(s, ws);
  allocate_like(s.a, shape_of(s.q));
}

// prepare, then a = force(q, v, t); for a state restored from storage (its velocities are the
// scheme's own, e.g. LFMiddle's half-step ones).
template <class Scheme, class V, class Force>
void resume(const Scheme& scheme, State<V>& s, Force&& force, Workspace<V>& ws) {
  prepare(scheme, s, ws);
  force(s.q, s.v, s.t, s.a);
  check_finite(Scheme::name, "acceleration (force output)", s.a, s.step, s.t);
}

// resume, then the scheme's own start (LFMiddle turns on-step velocities into half-step ones).
// Call once on a fresh state, before the first step.
template <class Scheme, class V, class Force>
void init(const Scheme& scheme, State<V>& s, Force&& force, Workspace<V>& ws) {
  resume(scheme, s, force, ws);
  if constexpr (requires { scheme.start(s); }) scheme.start(s);
}

// n_steps steps; observe(const State<V>&) after each (for frames, energies, losses).
template <class Scheme, class V, class Force, class Boundary, class Observer>
void run(const Scheme& scheme, State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& ws,
         std::int64_t n_steps, Observer&& observe) {
  if (n_steps < 0) throw std::invalid_argument(std::string(Scheme::name) + ": negative number of steps " + std::to_string(n_steps));
  for (std::int64_t k = 0; k < n_steps; ++k) {
    scheme.step(s, force, boundary, ws);
    observe(static_cast<const State<V>&>(s));
  }
}

template <class Scheme, class V, class Force, class Boundary>
void run(const Scheme& scheme, State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& ws, std::int64_t n_steps) {
  run(scheme, s, force, boundary, ws, n_steps, [](const State<V>&) {});
}

// On a tape: n_steps steps from an initialised state, summing step_loss(state) after each step
// (step_loss returns a one-element Var, or an empty Var{} for no contribution). Returns the sum,
// a zero scalar when no step contributed.
template <class Scheme, class T, class Force, class Boundary, class StepLoss>
Var<T> rollout_loss(const Scheme& scheme, State<Var<T>>& s, Force&& force, Boundary&& boundary, Workspace<Var<T>>& ws,
                    std::int64_t n_steps, StepLoss&& step_loss) {
  Var<T> total;
  run(scheme, s, force, boundary, ws, n_steps, [&](const State<Var<T>>& now) {
    const Var<T> l = step_loss(now);
    if (l.valid()) total = total.valid() ? total + l : l;
  });
  return total.valid() ? total : s.q.tape->scalar(T(0));
}

}  // namespace dg::integrators
