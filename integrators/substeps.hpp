// The named sub-steps every scheme is built from. Each acts on a State<V> (V = Tensor<T> or
// Var<T>) through the value operations of integrators/values.hpp:
//
//   drift  "A"(h):  q += h v, then the boundary (which may wrap q, or reflect q and v)
//   kick   "B"(h):  v += h a
//   force        :  a = force(q, v, t)            (the callback fills or rebinds a)
//   O(c1, noise) :  v = c1 v + noise              (Ornstein-Uhlenbeck velocity update)
//   end_step     :  step += 1, then the NaN/Inf check that names the step and particle
//
// The force is any callable force(const V& q, const V& v, double t, V& a_out) that sets a_out to
// the accelerations (forces divided by masses), (N, d); for plain tensors it must overwrite every
// element of a_out, which has the right shape already. The boundary is any callable
// boundary(V& q, V& v), applied after every position update.
#pragma once

#include "integrators/state.hpp"
#include "integrators/values.hpp"

namespace dg::integrators {

// The boundary of open space: nothing to do.
struct OpenBoundary {
  template <class V>
  void operator()(V&, V&) const {}
};

// A(h): q += h v, then the boundary.
template <class V, class Boundary>
void drift(State<V>& s, double h, Boundary& boundary) {
  add_scaled(s.q, h, s.v);
  boundary(s.q, s.v);
}

// B(h): v += h a.
template <class V>
void kick(State<V>& s, double h) {
  add_scaled(s.v, h, s.a);
}

// a = force(q, v, t).
template <class V, class Force>
void update_force(State<V>& s, Force& force) {
  force(s.q, s.v, s.t, s.a);
}

// O: v = c1 v + noise, with c1 = exp(-gamma h) and the noise already scaled to
// sqrt(kT / m (1 - c1^2)) xi; no noise at zero temperature.
template <class V>
void ou_velocity(State<V>& s, double c1, const Tensor<scalar_of<V>>* noise) {
  multiply_by(s.v, c1);
  if (noise) add_noise(s.v, *noise);
}

// One velocity-Verlet step of length h (B(h/2) A(h) force B(h/2)); `a` must be current.
// Yoshida's method is three of these.
template <class V, class Force, class Boundary>
void verlet_substep(State<V>& s, double h, Force& force, Boundary& boundary) {
  kick(s, 0.5 * h);
  drift(s, h, boundary);
  s.t += h;
  update_force(s, force);
  kick(s, 0.5 * h);
}

// Closes a step: counts it and stops the run on a NaN or Inf.
template <class V>
void end_step(const char* scheme, State<V>& s) {
  ++s.step;
  check_finite(scheme, s);
}

}  // namespace dg::integrators
