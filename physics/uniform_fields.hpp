// Uniform external fields: a constant field acting on charges or masses, and a constant magnetic
// field (the Lorentz force).
//
//   UniformField    F_i = a_i E,   U = -sum_i a_i E . x_i   (a_i: charge for an electric field,
//                                                            mass for uniform gravity g)
//   MagneticField   F_i = q_i v_i x B,  U = 0 (it does no work). In 3D B is a vector (3); in 2D
//                   B is a scalar along z, so v x B = (v_y B, -v_x B).
#pragma once

#include "autodiff/tensor.hpp"
#include "physics/force.hpp"

namespace dg::physics {

class UniformField final : public Force {
 public:
  // E (d), particle charges (N).
  static UniformField electric(Tensor<double> E, Tensor<double> charges);
  // g (d), particle masses (N) > 0.
  static UniformField gravity(Tensor<double> g, Tensor<double> masses);

  void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const override;
  double potential_energy(const Tensor<double>& q, double t = 0) const override;
  index_t num_particles() const override { return coupling_.numel(); }
  const char* name() const override { return name_; }
  const Tensor<double>& field() const { return field_; }

 private:
  UniformField(const char* name, Tensor<double> field, Tensor<double> coupling, bool positive);
  const char* name_;
  Tensor<double> field_;     // (d)
  Tensor<double> coupling_;  // (N)
};

class MagneticField final : public Force {
 public:
  // B: 3 values (3D) or 1 value (2D, along z); charges (N).
  MagneticField(Tensor<double> B, Tensor<double> charges);

  void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const override;
  double potential_energy(const Tensor<double>&, double = 0) const override { return 0.0; }
  index_t num_particles() const override { return charge_.numel(); }
  const char* name() const override { return "MagneticField"; }
  int dim() const { return B_.numel() == 1 ? 2 : 3; }
  const Tensor<double>& B() const { return B_; }

 private:
  Tensor<double> B_;       // (3) or (1)
  Tensor<double> charge_;  // (N)
};

}  // namespace dg::physics
