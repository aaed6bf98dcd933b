// Uniform electric/gravitational fields and the uniform magnetic field (see uniform_fields.hpp).
#include "physics/uniform_fields.hpp"

#include <string>

#include "physics/validate.hpp"

namespace dg::physics {

namespace {

// A field vector of d = 2 or 3 finite values.
void check_field_vector(const Tensor<double>& f, const char* where, const char* name) {
  if (f.shape().rank != 1 || (f.numel() != 2 && f.numel() != 3))
    fail(where, std::string(name) + " must be a vector of 2 or 3 values, got shape " + f.shape().str());
  for (index_t k = 0; k < f.numel(); ++k) check_finite(f[k], where, name);
}

// q (N, d) and F of the same shape.
void check_state(const char* where, const Tensor<double>& q, const Tensor<double>& F, index_t n, int d) {
  check_points(q, where, "positions q", n, d);
  if (F.shape() != q.shape()) fail(where, "force array " + F.shape().str() + " does not match positions " + q.shape().str());
}

}  // namespace

UniformField::UniformField(const char* name, Tensor<double> field, Tensor<double> coupling, bool positive)
    : name_(name), field_(std::move(field)), coupling_(std::move(coupling)) {
  check_field_vector(field_, name, "field");
  check_per_particle(coupling_, coupling_.numel(), name, positive ? "mass" : "charge", positive);
}

UniformField UniformField::electric(Tensor<double> E, Tensor<double> charges) {
  return UniformField("UniformField (electric)", std::move(E), std::move(charges), false);
}

UniformField UniformField::gravity(Tensor<double> g, Tensor<double> masses) {
  return UniformField("UniformField (gravity)", std::move(g), std::move(masses), true);
}

void UniformField::add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const {
  const int d = static_cast<int>(field_.numel());
  check_state(name_, q, F, num_particles(), d);
  for (index_t i = 0; i < q.rows(); ++i)
    for (int k = 0; k < d; ++k) F(i, k) += coupling_[i] * field_[k];
}

double UniformField::potential_energy(const Tensor<double>& q, double) const {
  const int d = static_cast<int>(field_.numel());
  check_points(q, name_, "positions q", num_particles(), d);
  double U = 0;
  for (index_t i = 0; i < q.rows(); ++i) {
    double e_dot_x = 0;
    for (int k = 0; k < d; ++k) e_dot_x += field_[k] * q(i, k);
    U -= coupling_[i] * e_dot_x;
  }
  return U;
}

MagneticField::MagneticField(Tensor<double> B, Tensor<double> charges) : B_(std::move(B)), charge_(std::move(charges)) {
  if (B_.shape().rank > 1 || (B_.numel() != 1 && B_.numel() != 3))
    fail("MagneticField", "B must hold 3 values (3D) or 1 value (2D, along z), got shape " + B_.shape().str());
  for (index_t k = 0; k < B_.numel(); ++k) check_finite(B_[k], "MagneticField", "B");
  check_per_particle(charge_, charge_.numel(), "MagneticField", "charge");
}

void MagneticField::add_forces(const Tensor<double>& q, const Tensor<double>& v, double, Tensor<double>& F) const {
  check_state("MagneticField", q, F, num_particles(), dim());
  check_points(v, "MagneticField", "velocities v", q.rows(), dim());
  // q_i v_i x B; in 2D with B along z: (v_y B, -v_x B).
  for (index_t i = 0; i < q.rows(); ++i) {
    const double c = charge_[i];
    if (dim() == 2) {
      F(i, 0) += c * v(i, 1) * B_[0];
      F(i, 1) -= c * v(i, 0) * B_[0];
    } else {
      F(i, 0) += c * (v(i, 1) * B_[2] - v(i, 2) * B_[1]);
      F(i, 1) += c * (v(i, 2) * B_[0] - v(i, 0) * B_[2]);
      F(i, 2) += c * (v(i, 0) * B_[1] - v(i, 1) * B_[0]);
    }
  }
}

}  // namespace dg::physics
