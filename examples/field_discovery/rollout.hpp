// The rollout of a DynamicsModel on the tape (declared in model.hpp).
//
// Acceleration models: `substeps` semi-implicit Euler steps per frame in the data's kick-drift
// order, v += h a(x); x += h v, with the force evaluated at the start of each step (KickDriftAtStart
// below). The data's simulator (datasets/electrostatic.cpp, SymplecticEuler KickDrift) saves a
// frame right after a drift, before the kick at the frame's position: a frame holds the velocity
// that moved the particle into it. Rolling kick-drift from a stored frame therefore ends every
// frame in the same state as a stored one (with substeps = 100 and the true forces it reproduces
// the data to float rounding; tests/examples/field_discovery_test.cpp). The drift-kick order used
// before missed the kick at the starting position and returned, at every frame, a velocity that
// already held the kick at the frame's position: h a(x) too much, up to 1 near a source (h = 0.01,
// |a| up to the cap of 100), measured in docs/experiments/field_discovery.md.
//
// The Aether model (ModelKind::Aether) predicts each frame's residual update (dx, dv) directly:
// one network evaluation per frame, no substeps.
#pragma once

#include "integrators/deterministic.hpp"
#include "integrators/rollout.hpp"

namespace dg::field_discovery {

// Kick-drift semi-implicit Euler (SymplecticEuler KickDrift's trajectory) that evaluates the
// force at the start of each step instead of after its drift: a rollout of n steps costs n
// evaluations, none of them at the final position, where no loss would use it.
struct KickDriftAtStart {
  static constexpr const char* name = "symplectic_euler";
  double dt = 0;

  template <class V>
  void prepare(const integrators::State<V>& s, integrators::Workspace<V>& ws) const {
    integrators::detail::prepare_deterministic(name, dt, s, ws, false);
  }
  template <class V, class Force, class Boundary>
  void step(integrators::State<V>& s, Force&& force, Boundary&& boundary, integrators::Workspace<V>&) const {
    integrators::update_force(s, force);
    integrators::kick(s, dt);
    integrators::drift(s, dt, boundary);
    s.t += dt;
    integrators::end_step(name, s);
  }
};

// Rolls (q0, v0) (M, d) forward with accelerations acceleration(q) (M, d): `frames` frames of
// `substeps` kick-drift steps of length frame_dt / substeps; on_frame(k, q, v) after frame k.
template <class Acceleration, class OnFrame>
void integrate(Acceleration&& acceleration, Var<float> q0, Var<float> v0, double frame_dt, int substeps, int frames,
               OnFrame&& on_frame) {
  using namespace integrators;
  const KickDriftAtStart scheme{.dt = frame_dt / substeps};
  auto force = [&](const Var<float>& q, const Var<float>&, double, Var<float>& a) { a = acceleration(q); };
  State<Var<float>> s;
  s.q = q0;
  s.v = v0;
  Workspace<Var<float>> ws;
  prepare(scheme, s, ws);  // each step evaluates its own force first
  for (int k = 0; k < frames; ++k) {
    run(scheme, s, force, OpenBoundary{}, ws, substeps);
    on_frame(k, s.q, s.v);
  }
}

template <class OnFrame>
void rollout(Tape<float>& tape, DynamicsModel& model, const nn::GraphBatch& g, Var<float> q0, Var<float> v0,
             Var<float> charges, double frame_dt, int substeps, int frames, OnFrame&& on_frame) {
  if (model.options().kind == ModelKind::Aether) {
    Var<float> q = q0, v = v0;
    for (int k = 0; k < frames; ++k) {
      model.frame_update(tape, g, q, v, charges, frame_dt);
      integrators::check_finite("aether", "position", q, k + 1, (k + 1) * frame_dt);
      integrators::check_finite("aether", "velocity", v, k + 1, (k + 1) * frame_dt);
      on_frame(k, q, v);
    }
    return;
  }
  const Var<float> charge_products = edge_charge_products(g, charges);  // (E, 1), fixed along the rollout
  integrate([&](const Var<float>& q) { return model.acceleration(tape, g, q, charges, charge_products); }, q0, v0,
            frame_dt, substeps, frames, on_frame);
}

}  // namespace dg::field_discovery
