// Pieces shared by the generators: the initial-condition draws of the published simulators
// and a run of an integrator that stores the kept frames (generator.hpp: frame f is the state
// after (f + 1) every steps).
#pragma once

#include <cstdint>
#include <cstring>

#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"
#include "datasets/generator.hpp"
#include "integrators/integrators.hpp"

namespace dg::datasets {

// n signs +1 or -1 with probability 1/2 each (+1 when a uniform draw is below 1/2): (n).
Tensor<double> draw_signs(Philox& rng, index_t n, double magnitude = 1.0);
// (n, d) values N(0, std^2), row by row.
Tensor<double> draw_normal(Philox& rng, index_t n, int d, double std);
// (n, d) values uniform in (lo, hi).
Tensor<double> draw_uniform(Philox& rng, index_t n, int d, double lo, double hi);
// (n, d) rows of norm `speed` in uniformly random directions (a normal draw, normalised), as
// NRI draws its initial velocities.
Tensor<double> draw_directions(Philox& rng, index_t n, int d, double speed);

// Copies the values of x into out (x.numel() doubles).
inline void store(const Tensor<double>& x, double* out) {
  if (x.numel() > 0) std::memcpy(out, x.data(), x.bytes());
}

// Runs `scheme` on the state s: `burn_in` steps that are not stored, then frames * every steps,
// calling store_frame(f, state) after every `every` of them (f = 0, 1, ..., frames - 1).
// init() is called first (it evaluates the force at the initial state).
template <class Scheme, class Force, class Boundary, class StoreFrame>
void run_frames(const Scheme& scheme, Force&& force, Boundary&& boundary, integrators::State<Tensor<double>>& s,
                std::int64_t burn_in, std::int64_t frames, std::int64_t every, StoreFrame&& store_frame) {
  integrators::Workspace<Tensor<double>> ws;
  integrators::init(scheme, s, force, ws);
  if (burn_in > 0) integrators::run(scheme, s, force, boundary, ws, burn_in);
  const std::int64_t start = s.step;
  integrators::run(scheme, s, force, boundary, ws, frames * every, [&](const integrators::State<Tensor<double>>& now) {
    const std::int64_t k = now.step - start;
    if (k % every == 0) store_frame(k / every - 1, now);
  });
}

// The particle sets' run: `scheme` from (q, v) for the frames of `split` (parameters steps or
// test_steps, and every), storing q and v of each kept frame into out.positions / velocities.
template <class Scheme, class Force, class Boundary>
void simulate_particles(const Scheme& scheme, Force&& force, Boundary&& boundary, Tensor<double> q, Tensor<double> v,
                        const Params& p, Split split, const SimulationRecord& out) {
  const std::int64_t every = p.integer("every");
  const std::size_t frame_size = static_cast<std::size_t>(q.numel());
  auto state = integrators::make_state(std::move(q), std::move(v));
  run_frames(scheme, force, boundary, state, 0, frame_count(split_steps(p, split), every), every,
             [&](std::int64_t f, const integrators::State<Tensor<double>>& s) {
               store(s.q, out.positions + static_cast<std::size_t>(f) * frame_size);
               store(s.v, out.velocities + static_cast<std::size_t>(f) * frame_size);
             });
}

}  // namespace dg::datasets
