// Stochastic schemes for Langevin dynamics at temperature kT with friction gamma:
//
//   underdamped:  dq = v dt,  dv = a(q) dt - gamma v dt + sqrt(2 gamma kT / m) dW
//   overdamped:   dq = a(q) / gamma dt + sqrt(2 kT / (m gamma)) dW       (a = F / m)
//
// built from the sub-steps A (drift), B (kick) and O, the exact solution of the friction-plus-noise
// part over a time h: v <- c1 v + sqrt(kT / m (1 - c1^2)) xi with c1 = exp(-gamma h)
// (as jax-md writes it: c1 = exp(-gamma dt), c2 = sqrt(kT (1 - c1^2)) per unit mass).
//
//   BAOAB     B(h/2) A(h/2) O(h) A(h/2) B(h/2)   (Leimkuhler and Matthews 2013): samples the
//             configurations of a harmonic oscillator exactly, for any stable h;
//   OBABO     O(h/2) B(h/2) A(h) B(h/2) O(h/2):  <x^2> = kT/k / (1 - h^2 k / (4 m)) there;
//   LFMiddle  the BAOAB trajectory with half-step velocities (Zhang et al. 2019, OpenMM's
//             LangevinMiddleIntegrator): B(h) A(h/2) O(h) A(h/2). Its state's v is the velocity
//             at t - h/2 after the O-step; init sets v <- v - h/2 a, so that from the same start
//             and seed its positions equal BAOAB's and BAOAB's velocity is v + h/2 a.
//   EulerMaruyama  the overdamped equation, q += h a / gamma + sqrt(2 kT h / (m gamma)) xi;
//             v is not used (left as given).
//
// The noise of step k is keyed by (seed, k, particle, component): see integrators/noise.hpp.
#pragma once

#include <cmath>
#include <vector>

#include "integrators/substeps.hpp"
#include "integrators/workspace.hpp"

namespace dg::integrators {

// The heat bath: friction rate, temperature, and the particle masses (the force callback gives
// accelerations, but the noise depends on the mass).
struct Thermostat {
  double gamma = 1;          // friction rate (1 / time), >= 0 (> 0 for the overdamped scheme)
  double kT = 1;             // temperature (energy), >= 0
  std::vector<double> mass{};  // (N) per particle, or one value for all; empty: all 1
};

namespace detail {
// Checks dt and the bath, sizes the workspace for noise.
template <class V>
void prepare_langevin(const char* name, double dt, const Thermostat& bath, const State<V>& s, Workspace<V>& ws) {
  require_positive(name, "dt", dt);
  require_non_negative(name, "friction gamma", bath.gamma);
  require_non_negative(name, "temperature kT", bath.kT);
  require_masses(name, bath.mass, shape_of(s.q)[0]);
  ws.prepare(shape_of(s.q), /*noise=*/true, /*stages=*/false);
}

// prepare_langevin, then the per-particle O-step noise sd sqrt(kT / m (1 - exp(-2 gamma h_o)))
// into l11 (and l22 with `twice`: two independent O-steps of h_o in one step).
template <class V>
void prepare_o_steps(const char* name, double dt, const Thermostat& bath, const State<V>& s, Workspace<V>& ws,
                     double h_o, bool twice) {
  prepare_langevin(name, dt, bath, s, ws);
  const double one_minus_c1sq = -std::expm1(-2.0 * bath.gamma * h_o);
  for (std::size_t i = 0; i < ws.factor.size(); ++i) {
    const double sd = std::sqrt(bath.kT / mass_of(bath.mass, static_cast<index_t>(i)) * one_minus_c1sq);
    ws.factor[i] = NoiseFactor{sd, 0.0, twice ? sd : 0.0};
  }
}

// Draws this step's noise (both channels when `two`); none at zero temperature (returns false).
// Refuses a workspace not prepared for this state.
template <class V>
bool draw_step_noise(const char* name, const Thermostat& bath, const State<V>& s, Workspace<V>& ws, bool two) {
  ws.require_prepared(name, shape_of(s.q));
  if (bath.kT == 0) return false;
  draw_noise(ws.noise1, two ? &ws.noise2 : nullptr, s.seed, s.step, ws.factor);
  return true;
}
// A(h/2) O(h) A(h/2): the middle that BAOAB and LFMiddle share; then t += h.
template <class V, class Boundary>
void drift_o_drift(State<V>& s, double h, double gamma, const Tensor<scalar_of<V>>* noise, Boundary& boundary) {
  drift(s, 0.5 * h, boundary);
  ou_velocity(s, std::exp(-gamma * h), noise);
  drift(s, 0.5 * h, boundary);
  s.t += h;
}
}  // namespace detail

struct BAOAB {
  static constexpr const char* name = "baoab";
  double dt = 0;
  Thermostat bath{};

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const {
    detail::prepare_o_steps(name, dt, bath, s, ws, dt, /*twice=*/false);
  }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& w) const {
    const bool noisy = detail::draw_step_noise(name, bath, s, w, false);
    kick(s, 0.5 * dt);
    detail::drift_o_drift(s, dt, bath.gamma, noisy ? &w.noise1 : nullptr, boundary);
    update_force(s, force);
    kick(s, 0.5 * dt);
    end_step(name, s);
  }
};

struct OBABO {
  static constexpr const char* name = "obabo";
  double dt = 0;
  Thermostat bath{};

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const {
    detail::prepare_o_steps(name, dt, bath, s, ws, 0.5 * dt, /*twice=*/true);
  }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& w) const {
    const bool noisy = detail::draw_step_noise(name, bath, s, w, true);
    const double c1 = std::exp(-bath.gamma * 0.5 * dt);
    ou_velocity(s, c1, noisy ? &w.noise1 : nullptr);
    verlet_substep(s, dt, force, boundary);
    ou_velocity(s, c1, noisy ? &w.noise2 : nullptr);
    end_step(name, s);
  }
};

struct LFMiddle {
  static constexpr const char* name = "lf_middle";
  double dt = 0;
  Thermostat bath{};

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const {
    detail::prepare_o_steps(name, dt, bath, s, ws, dt, /*twice=*/false);
  }

  // Called once by init, after the first force evaluation: on-step v(t0) -> half-step v(t0 - h/2).
  template <class V>
  void start(State<V>& s) const {
    kick(s, -0.5 * dt);
  }

  // The on-step velocity v(t) = v + h/2 a(t) (BAOAB's velocity), into `out` (shaped like v).
  template <class V>
  void on_step_velocity(const State<V>& s, V& out) const {
    allocate_like(out, shape_of(s.v));
    set_sum(out, s.v, 0.5 * dt, s.a);
  }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& w) const {
    const bool noisy = detail::draw_step_noise(name, bath, s, w, false);
    kick(s, dt);
    detail::drift_o_drift(s, dt, bath.gamma, noisy ? &w.noise1 : nullptr, boundary);
    update_force(s, force);
    end_step(name, s);
  }
};

struct EulerMaruyama {
  static constexpr const char* name = "euler_maruyama";
  double dt = 0;
  Thermostat bath{};

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const {
    detail::prepare_langevin(name, dt, bath, s, ws);
    require_positive(name, "friction gamma (overdamped dynamics)", bath.gamma);
    // Displacement noise sd sqrt(2 kT h / (m gamma)) per component.
    for (std::size_t i = 0; i < ws.factor.size(); ++i)
      ws.factor[i].l11 = std::sqrt(2.0 * bath.kT * dt / (mass_of(bath.mass, static_cast<index_t>(i)) * bath.gamma));
  }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& w) const {
    const bool noisy = detail::draw_step_noise(name, bath, s, w, false);
    add_scaled(s.q, dt / bath.gamma, s.a);
    if (noisy) add_noise(s.q, w.noise1);
    boundary(s.q, s.v);
    s.t += dt;
    update_force(s, force);
    end_step(name, s);
  }
};

}  // namespace dg::integrators
