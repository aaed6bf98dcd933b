// The field of fixed point sources acting on the moving particles: the electrostatic field of
// fixed charges (Aether's latent-field data set: 20 sources in [-5, 5]^2) or the gravitational
// field of fixed point masses (Aether's gravity data set: one mass of 10, Plummer eps = 0.1).
//
//   field per unit coupling  E(x) = strength sum_s c_s (x - x_s) / (|x - x_s|^2 + eps^2)^(3/2)
//   force on particle i      F_i = a_i E(x_i)       (a_i: the particle's charge or mass)
//   energy                   U = strength sum_i sum_s a_i c_s / sqrt(|x_i - x_s|^2 + eps^2)
//
// charges(): strength = k, c = source charges, a = particle charges (like charges repel).
// masses():  strength = -G, c = source masses, a = particle masses (attraction).
// With eps = 0 a particle (or field point) exactly on a source is refused, naming both.
#pragma once

#include "autodiff/tensor.hpp"
#include "physics/force.hpp"

namespace dg::physics {

class PointSources final : public Force {
 public:
  // sources (S, d), source_charges (S), particle_charges (N).
  static PointSources charges(Tensor<double> sources, Tensor<double> source_charges, Tensor<double> particle_charges,
                              double k = 1.0, double softening = 0.0);
  // sources (S, d), source_masses (S) > 0, particle_masses (N) > 0.
  static PointSources masses(Tensor<double> sources, Tensor<double> source_masses, Tensor<double> particle_masses,
                             double G = 1.0, double softening = 0.0);

  void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const override;
  double potential_energy(const Tensor<double>& q, double t = 0) const override;
  index_t num_particles() const override { return coupling_.numel(); }
  const char* name() const override { return name_; }

  // out (P, d) = E at each of the points (P, d): the force on a unit test charge (or the
  // acceleration of a test mass). Used to write the true field on a grid (grid.hpp).
  void field_at(const Tensor<double>& points, Tensor<double>& out) const;
  const Tensor<double>& sources() const { return sources_; }

 private:
  PointSources(const char* name, Tensor<double> sources, Tensor<double> c, Tensor<double> coupling, double strength,
               double softening, bool is_mass);
  // out (P, d) = (+)= E at points, scaled per point by scale[p] when scale is not null.
  void accumulate(const Tensor<double>& points, const double* scale, Tensor<double>& out, const char* where,
                  const char* point_name) const;

  const char* name_;
  Tensor<double> sources_;   // (S, d)
  Tensor<double> c_;         // (S) source charges or masses
  Tensor<double> coupling_;  // (N) particle charges or masses
  double strength_;          // k or -G
  double eps2_;
};

}  // namespace dg::physics
