// The force interface of the physics layer, and the callback that integrators call.
//
// A Force adds its contribution to a force array: F (N, d) += f(q, v, t), where q (N, d) are the
// positions, v (N, d) the velocities (read only by velocity-dependent forces such as the magnetic
// one) and t the time. Per-particle parameters (charges, masses, spring constants) are given to
// the force when it is built, so the call itself needs only the state. Forces compose by adding
// into the same array; physics::ForceModel (force_model.hpp) sums several, applies an optional cap
// on the total force per particle and divides by the masses:
//
//   // the callback integrators call (integrators/ depends on physics/ only through it):
//   using AccelFn = std::function<void(const Tensor<double>& q, const Tensor<double>& v, double t,
//                                      Tensor<double>& accel)>;   // accel (N, d), overwritten
//
// Contract of every Force and of AccelFn:
//  - q and v are (N, d), d = 2 or 3, row-major; the output is reshaped (allocated) only when its
//    shape differs from q's, so a loop that reuses its output array allocates nothing.
//  - Shape mismatches, NaN/Inf in parameters and coincident particles of a singular law throw
//    PhysicsError naming the force and the particles. Forces do not scan q for NaN on every call
//    (that is the integrator's step check), except where a NaN would otherwise hide.
//  - Results do not depend on the number of OpenMP threads (fixed chunks, fixed summation order).
//  - A Force object may keep scratch memory (a cell list): do not call the same object from two
//    threads at once.
#pragma once

#include <functional>

#include "autodiff/tensor.hpp"

namespace dg::physics {

using AccelFn = std::function<void(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& accel)>;

class Force {
 public:
  virtual ~Force() = default;
  // F (N, d) += this force at positions q (N, d), velocities v (N, d), time t. F must already
  // have q's shape.
  virtual void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const = 0;
  // The potential energy whose negative gradient is the force (0 for forces that do no work).
  virtual double potential_energy(const Tensor<double>& q, double t) const = 0;
  // The number of particles the force was built for (length of its charges or masses).
  virtual index_t num_particles() const = 0;
  virtual const char* name() const = 0;
};

}  // namespace dg::physics
