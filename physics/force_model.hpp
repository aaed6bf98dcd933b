// A ForceModel combines forces (pairs, external fields) into accelerations:
//   F = cap(sum of the forces),  a = F / m   (per particle; the cap acts on the TOTAL force, as
//   the published data sets do: NRI/EGNN per component, Aether on the norm; see cap.hpp).
//
//   ForceModel model(masses);                                 // masses (N) > 0
//   model.add(Coulomb(charges)).add(PointSources::charges(src, src_q, charges))
//        .set_cap(ForceCap::norm(100));
//   AccelFn accel = model.accel_fn();                         // what integrators/ call
//   accel(q, v, t, a);                                        // a (N, d)
//
// Forces are held by shared pointer, so copies of a model (and its accel_fn) share them; a force
// with scratch memory (Lennard-Jones' cell list) must not be used by two threads at once.
#pragma once

#include <concepts>
#include <memory>
#include <type_traits>
#include <vector>

#include "autodiff/tensor.hpp"
#include "physics/cap.hpp"
#include "physics/force.hpp"

namespace dg::physics {

class ForceModel {
 public:
  explicit ForceModel(Tensor<double> masses);  // (N) > 0

  // Adds a force built for N particles (or for any N). Throws if it was built for another N.
  ForceModel& add(std::shared_ptr<const Force> force);
  template <class F>
    requires std::derived_from<std::decay_t<F>, Force>
  ForceModel& add(F&& force) {
    return add(std::shared_ptr<const Force>(std::make_shared<std::decay_t<F>>(std::forward<F>(force))));
  }
  ForceModel& set_cap(const ForceCap& cap);

  // F (N, d) = the capped total force; reshaped only when its shape differs from q's.
  void forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const;
  // a (N, d) = forces / masses.
  void accelerations(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& a) const;
  // The sum of the forces' potential energies (the cap is not reflected in it).
  double potential_energy(const Tensor<double>& q, double t = 0) const;
  // The integrators' callable force(q, v, t, a) (= accelerations).
  void operator()(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& a) const {
    accelerations(q, v, t, a);
  }
  // accelerations() as the callback of force.hpp; holds a copy of the model.
  AccelFn accel_fn() const;

  index_t size() const { return mass_.numel(); }
  const Tensor<double>& masses() const { return mass_; }
  const ForceCap& cap() const { return cap_; }
  const std::vector<std::shared_ptr<const Force>>& terms() const { return forces_; }

 private:
  Tensor<double> mass_;      // (N)
  ForceCap cap_;
  std::vector<std::shared_ptr<const Force>> forces_;
};

}  // namespace dg::physics
