// The rollout of a DynamicsModel on the tape (declared in model.hpp): drift-kick semi-implicit
// Euler from integrators/, `substeps` steps per frame.
#pragma once

#include "integrators/deterministic.hpp"
#include "integrators/rollout.hpp"

namespace dg::field_discovery {

template <class OnFrame>
void rollout(Tape<float>& tape, DynamicsModel& model, const nn::GraphBatch& g, Var<float> q0, Var<float> v0,
             Var<float> charges, double frame_dt, int substeps, int frames, OnFrame&& on_frame) {
  using namespace integrators;
  const SymplecticEuler scheme{.dt = frame_dt / substeps, .order = EulerOrder::DriftKick};
  const Var<float> charge_products = edge_charge_products(g, charges);  // (E, 1), fixed along the rollout
  auto force = [&](const Var<float>& q, const Var<float>&, double, Var<float>& a) {
    a = model.acceleration(tape, g, q, charges, charge_products);
  };
  State<Var<float>> s;
  s.q = q0;
  s.v = v0;
  Workspace<Var<float>> ws;
  prepare(scheme, s, ws);  // drift-kick evaluates the force after the drift: no initial evaluation
  for (int k = 0; k < frames; ++k) {
    run(scheme, s, force, OpenBoundary{}, ws, substeps);
    on_frame(k, s.q, s.v);
  }
}

}  // namespace dg::field_discovery
