// Scratch memory of a scheme: sized once by init (or prepare), reused by every step, so plain
// steps allocate nothing. For tape values the stage slots are only handles.
#pragma once

#include <string>
#include <vector>

#include "autodiff/shape.hpp"
#include "integrators/noise.hpp"
#include "integrators/values.hpp"

namespace dg::integrators {

template <class V>
struct Workspace {
  using Scalar = scalar_of<V>;
  V stage_q, stage_v, stage_a;      // (N, d) RK4: positions, velocities, accelerations of a stage
  V sum_q, sum_v;                   // (N, d) RK4: weighted sums of the stage slopes
  Tensor<Scalar> noise1, noise2;    // (N, d) the noise of the current step, already scaled
  std::vector<NoiseFactor> factor;  // (N) per-particle noise factors
  Shape shape;                      // the (N, d) this workspace was prepared for
  bool prepared = false;

  // Sizes the noise buffers (and, with `stages`, the RK4 slots) for states of shape (N, d).
  void prepare(const Shape& state_shape, bool noise, bool stages) {
    shape = state_shape;
    if (noise) {
      allocate_like(noise1, state_shape);
      allocate_like(noise2, state_shape);
      factor.assign(static_cast<std::size_t>(state_shape[0]), NoiseFactor{});
    }
    if (stages) {
      allocate_like(stage_q, state_shape);
      allocate_like(stage_v, state_shape);
      allocate_like(stage_a, state_shape);
      allocate_like(sum_q, state_shape);
      allocate_like(sum_v, state_shape);
    }
    prepared = true;
  }

  // Refuses a step on a workspace that was not prepared for this state shape (init not called).
  void require_prepared(const char* scheme, const Shape& state_shape) const {
    if (!prepared || state_shape != shape)
      throw std::logic_error(std::string(scheme) + ": the workspace was not prepared for this state (call init first)");
  }
};

}  // namespace dg::integrators
