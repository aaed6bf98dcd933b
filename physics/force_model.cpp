// ForceModel: the sum of forces, the cap and the division by the masses (see force_model.hpp).
#include "physics/force_model.hpp"

#include <string>

#include "physics/validate.hpp"

namespace dg::physics {

ForceModel::ForceModel(Tensor<double> masses) : mass_(std::move(masses)) {
  check_per_particle(mass_, mass_.numel(), "ForceModel", "mass", /*positive=*/true);
}

ForceModel& ForceModel::add(std::shared_ptr<const Force> force) {
  if (!force) fail("ForceModel::add", "null force");
  const index_t n = force->num_particles();
  if (n >= 0 && n != size())
    fail("ForceModel::add", std::string(force->name()) + " was built for " + std::to_string(n) +
                                " particles but the model has " + std::to_string(size()));
  forces_.push_back(std::move(force));
  return *this;
}

ForceModel& ForceModel::set_cap(const ForceCap& cap) {
  if (cap.kind != CapKind::None) check_positive(cap.limit, "ForceModel::set_cap", "limit");
  cap_ = cap;
  return *this;
}

void ForceModel::forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const {
  if (q.shape().rank != 2 || q.rows() != size())
    fail("ForceModel", "positions must be (" + std::to_string(size()) + ", d), got " + q.shape().str());
  ensure_shape(F, q.shape());
  F.fill(0.0);
  for (const auto& f : forces_) f->add_forces(q, v, t, F);
  apply_cap(cap_, F);
}

void ForceModel::accelerations(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& a) const {
  forces(q, v, t, a);
  const index_t d = a.cols();
  double* pa = a.data();
  for (index_t i = 0; i < size(); ++i)
    for (index_t k = 0; k < d; ++k) pa[i * d + k] /= mass_[i];
}

double ForceModel::potential_energy(const Tensor<double>& q, double t) const {
  double U = 0;
  for (const auto& f : forces_) U += f->potential_energy(q, t);
  return U;
}

AccelFn ForceModel::accel_fn() const {
  return [model = *this](const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& a) {
    model.accelerations(q, v, t, a);
  };
}

}  // namespace dg::physics
