// Deterministic schemes for q'' = a(q, q', t): explicit Euler, symplectic Euler (both orders),
// velocity Verlet, Yoshida's 4th-order composition, PEFRL (Omelyan, Mryglod and Folk 2002) and
// classical RK4 (non-symplectic, as a reference).
//
// Each scheme is a small struct of parameters with
//   prepare(state, workspace)                 checks the parameters, sizes the workspace
//   step(state, force, boundary, workspace)   one step of length dt
// and is run through init / run (integrators/rollout.hpp). All of them keep `a` equal to the
// force's LAST evaluation; for those that reuse it at the start of the next step (all but
// DriftKick Euler and PEFRL) that is the acceleration at the current (q, v, t).
#pragma once

#include <cmath>

#include "integrators/substeps.hpp"
#include "integrators/workspace.hpp"

namespace dg::integrators {

namespace detail {
template <class V>
void prepare_deterministic(const char* name, double dt, const State<V>& s, Workspace<V>& ws, bool stages) {
  require_positive(name, "dt", dt);
  ws.prepare(shape_of(s.q), /*noise=*/false, stages);
}
}  // namespace detail

// Explicit (forward) Euler: q1 = q0 + h v0, v1 = v0 + h a(q0, v0, t0). First order; energy grows.
struct ExplicitEuler {
  static constexpr const char* name = "explicit_euler";
  double dt = 0;

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const { detail::prepare_deterministic(name, dt, s, ws, false); }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>&) const {
    drift(s, dt, boundary);  // uses v0
    kick(s, dt);             // uses a(q0, v0, t0)
    s.t += dt;
    update_force(s, force);
    end_step(name, s);
  }
};

// Semi-implicit (symplectic) Euler, first order.
//   KickDrift: v1 = v0 + h a(q0, v0), q1 = q0 + h v1. This is the order of the NRI and Aether
//              simulators (their loop "x += dt v; F(x); v += dt F" after one initial kick saves
//              exactly the states this scheme produces from (q0, v0)).
//   DriftKick: q1 = q0 + h v0, v1 = v0 + h a(q1, v0). `a` then holds a(q1, v0, t1).
enum class EulerOrder { KickDrift, DriftKick };

struct SymplecticEuler {
  static constexpr const char* name = "symplectic_euler";
  double dt = 0;
  EulerOrder order = EulerOrder::KickDrift;

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const { detail::prepare_deterministic(name, dt, s, ws, false); }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>&) const {
    if (order == EulerOrder::KickDrift) {
      kick(s, dt);
      drift(s, dt, boundary);
      s.t += dt;
      update_force(s, force);
    } else {
      drift(s, dt, boundary);
      s.t += dt;
      update_force(s, force);
      kick(s, dt);
    }
    end_step(name, s);
  }
};

// Velocity Verlet (kick-drift-kick leapfrog): B(h/2) A(h) B(h/2), second order, symplectic and
// time-reversible; one force evaluation per step.
struct VelocityVerlet {
  static constexpr const char* name = "velocity_verlet";
  double dt = 0;

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const { detail::prepare_deterministic(name, dt, s, ws, false); }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>&) const {
    verlet_substep(s, dt, force, boundary);
    end_step(name, s);
  }
};

// Yoshida (1990) 4th order: three Verlet sub-steps of w1 h, w0 h, w1 h with
// w1 = 1 / (2 - 2^(1/3)), w0 = -2^(1/3) w1 (so 2 w1 + w0 = 1). Three force evaluations.
struct Yoshida4 {
  static constexpr const char* name = "yoshida4";
  double dt = 0;

  static double w1() { return 1.0 / (2.0 - std::cbrt(2.0)); }
  static double w0() { return -std::cbrt(2.0) * w1(); }

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const { detail::prepare_deterministic(name, dt, s, ws, false); }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>&) const {
    const double t0 = s.t;
    static const double w[3] = {w1(), w0(), w1()};
    for (double wk : w) verlet_substep(s, wk * dt, force, boundary);
    s.t = t0 + dt;  // the same end time whatever the rounding of the sub-steps
    end_step(name, s);
  }
};

// PEFRL, the position-extended Forest-Ruth-like 4th-order scheme (Omelyan, Mryglod, Folk 2002):
//   A(xi h) B((1 - 2 lambda) h/2) A(chi h) B(lambda h) A((1 - 2 (chi + xi)) h)
//   B(lambda h) A(chi h) B((1 - 2 lambda) h/2) A(xi h)
// Four force evaluations, none reused: `a` ends as the acceleration at the last kick's positions.
struct PEFRL {
  static constexpr const char* name = "pefrl";
  static constexpr double xi = 0.1786178958448091;
  static constexpr double lambda = -0.2123418310626054;
  static constexpr double chi = -0.06626458266981849;
  double dt = 0;

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const { detail::prepare_deterministic(name, dt, s, ws, false); }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>&) const {
    const double t0 = s.t;
    // (drift fraction before the kick, kick fraction); the last drift follows the loop.
    const double stages[4][2] = {
        {xi, 0.5 * (1 - 2 * lambda)}, {chi, lambda}, {1 - 2 * (chi + xi), lambda}, {chi, 0.5 * (1 - 2 * lambda)}};
    double elapsed = 0;  // fraction of dt drifted so far
    for (const auto& st : stages) {
      drift(s, st[0] * dt, boundary);
      elapsed += st[0];
      s.t = t0 + elapsed * dt;
      update_force(s, force);
      kick(s, st[1] * dt);
    }
    drift(s, xi * dt, boundary);
    s.t = t0 + dt;
    end_step(name, s);
  }
};

// Classical 4th-order Runge-Kutta on (q, v)' = (v, a(q, v, t)); not symplectic: its energy error
// grows with time. Four force evaluations (the first is the reused `a`). The boundary is applied
// to the completed step only (stage points are not states).
struct RK4 {
  static constexpr const char* name = "rk4";
  double dt = 0;

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const { detail::prepare_deterministic(name, dt, s, ws, true); }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& w) const {
    w.require_prepared(name, shape_of(s.q));
    const double h = dt, t0 = s.t;
    // Stage 1 slope (v, a) is the state itself; the sums collect k1 + 2 k2 + 2 k3 + k4.
    set_equal(w.sum_q, s.v);
    set_equal(w.sum_v, s.a);
    // Stage 2 at t0 + h/2 from slope 1.
    set_sum(w.stage_q, s.q, 0.5 * h, s.v);
    set_sum(w.stage_v, s.v, 0.5 * h, s.a);
    force(w.stage_q, w.stage_v, t0 + 0.5 * h, w.stage_a);
    add_scaled(w.sum_q, 2.0, w.stage_v);
    add_scaled(w.sum_v, 2.0, w.stage_a);
    // Stage 3 at t0 + h/2 from slope 2 (stage_q is written before stage_v is overwritten).
    set_sum(w.stage_q, s.q, 0.5 * h, w.stage_v);
    set_sum(w.stage_v, s.v, 0.5 * h, w.stage_a);
    force(w.stage_q, w.stage_v, t0 + 0.5 * h, w.stage_a);
    add_scaled(w.sum_q, 2.0, w.stage_v);
    add_scaled(w.sum_v, 2.0, w.stage_a);
    // Stage 4 at t0 + h from slope 3.
    set_sum(w.stage_q, s.q, h, w.stage_v);
    set_sum(w.stage_v, s.v, h, w.stage_a);
    force(w.stage_q, w.stage_v, t0 + h, w.stage_a);
    add_scaled(w.sum_q, 1.0, w.stage_v);
    add_scaled(w.sum_v, 1.0, w.stage_a);
    // The step, then the boundary and the acceleration for the next step.
    add_scaled(s.q, h / 6, w.sum_q);
    add_scaled(s.v, h / 6, w.sum_v);
    boundary(s.q, s.v);
    s.t = t0 + h;
    update_force(s, force);
    end_step(name, s);
  }
};

}  // namespace dg::integrators
