// The rollout of a GravityModel on the tape (declared in model.hpp): velocity Verlet from
// integrators/, `substeps` steps per frame.
#pragma once

#include "integrators/deterministic.hpp"
#include "integrators/rollout.hpp"

namespace dg::gravity_field {

// Rolls (x0, v0) (M, d) forward with accelerations acceleration(x) (M, d): `frames` frames of
// `substeps` velocity-Verlet steps of frame_dt / substeps; on_frame(k, x, v) after frame k.
template <class Acceleration, class OnFrame>
void integrate(Acceleration&& acceleration, Var<float> x0, Var<float> v0, double frame_dt, int substeps, int frames,
               OnFrame&& on_frame) {
  using namespace integrators;
  const VelocityVerlet scheme{.dt = frame_dt / substeps};
  auto force = [&](const Var<float>& x, const Var<float>&, double, Var<float>& a) { a = acceleration(x); };
  State<Var<float>> s;
  s.q = x0;
  s.v = v0;
  Workspace<Var<float>> ws;
  init(scheme, s, force, ws);  // the acceleration at the start, which the first kick uses
  for (int k = 0; k < frames; ++k) {
    run(scheme, s, force, OpenBoundary{}, ws, substeps);
    on_frame(k, s.q, s.v);
  }
}

template <class OnFrame>
void rollout(Tape<float>& tape, GravityModel& model, const nn::GraphBatch& g, Var<float> x0, Var<float> v0,
             Var<float> codes_per_particle, double frame_dt, int substeps, int frames, OnFrame&& on_frame) {
  integrate([&](const Var<float>& x) { return model.acceleration(tape, g, x, codes_per_particle); }, x0, v0, frame_dt,
            substeps, frames, on_frame);
}

}  // namespace dg::gravity_field
