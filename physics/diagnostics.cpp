// Diagnostics: energies, momenta, centre of mass, virial (see diagnostics.hpp).
#include "physics/diagnostics.hpp"

#include <string>

#include "physics/validate.hpp"

namespace dg::physics {

namespace {

// v (N, d) and mass (N) that belong together.
void check_v_m(const char* where, const Tensor<double>& v, const Tensor<double>& mass) {
  check_points(v, where, "velocities v");
  check_per_particle(mass, v.rows(), where, "mass", /*positive=*/true);
}

}  // namespace

double kinetic_energy(const Tensor<double>& v, const Tensor<double>& mass) {
  check_v_m("kinetic_energy", v, mass);
  double ke = 0;
  for (index_t i = 0; i < v.rows(); ++i) {
    double v2 = 0;
    for (index_t k = 0; k < v.cols(); ++k) v2 += v(i, k) * v(i, k);
    ke += 0.5 * mass[i] * v2;
  }
  return ke;
}

Tensor<double> linear_momentum(const Tensor<double>& v, const Tensor<double>& mass) {
  check_v_m("linear_momentum", v, mass);
  Tensor<double> P = Tensor<double>::zeros(Shape{v.cols()});  // (d)
  for (index_t i = 0; i < v.rows(); ++i)
    for (index_t k = 0; k < v.cols(); ++k) P[k] += mass[i] * v(i, k);
  return P;
}

Tensor<double> angular_momentum(const Tensor<double>& q, const Tensor<double>& v, const Tensor<double>& mass,
                                const Tensor<double>& origin) {
  const char* where = "angular_momentum";
  check_points(q, where, "positions q");
  check_points(v, where, "velocities v", q.rows(), static_cast<int>(q.cols()));
  check_per_particle(mass, q.rows(), where, "mass", true);
  const index_t d = q.cols();
  const bool has_origin = !is_empty(origin);
  if (has_origin && origin.numel() != d)
    fail(where, "origin must hold d = " + std::to_string(d) + " values, got shape " + origin.shape().str());
  Tensor<double> L = Tensor<double>::zeros(Shape{d == 2 ? 1 : 3});  // (1) or (3)
  for (index_t i = 0; i < q.rows(); ++i) {
    double x[3] = {0, 0, 0};
    for (index_t k = 0; k < d; ++k) x[k] = q(i, k) - (has_origin ? origin[k] : 0.0);
    const double m = mass[i];
    if (d == 2) {
      L[0] += m * (x[0] * v(i, 1) - x[1] * v(i, 0));
    } else {
      L[0] += m * (x[1] * v(i, 2) - x[2] * v(i, 1));
      L[1] += m * (x[2] * v(i, 0) - x[0] * v(i, 2));
      L[2] += m * (x[0] * v(i, 1) - x[1] * v(i, 0));
    }
  }
  return L;
}

Tensor<double> center_of_mass(const Tensor<double>& q, const Tensor<double>& mass) {
  check_v_m("center_of_mass", q, mass);
  Tensor<double> c = linear_momentum(q, mass);  // sum_i m_i x_i (same formula as the momentum)
  double M = 0;
  for (index_t i = 0; i < mass.numel(); ++i) M += mass[i];
  for (index_t k = 0; k < c.numel(); ++k) c[k] /= M;
  return c;
}

void remove_center_of_mass_velocity(Tensor<double>& v, const Tensor<double>& mass) {
  const Tensor<double> u = center_of_mass(v, mass);  // P / M
  for (index_t i = 0; i < v.rows(); ++i)
    for (index_t k = 0; k < v.cols(); ++k) v(i, k) -= u[k];
}

double clausius_virial(const Tensor<double>& q, const Tensor<double>& F) {
  check_points(q, "clausius_virial", "positions q");
  check_points(F, "clausius_virial", "forces F", q.rows(), static_cast<int>(q.cols()));
  double W = 0;
  for (index_t i = 0; i < q.numel(); ++i) W += q[i] * F[i];
  return W;
}

double kinetic_temperature(const Tensor<double>& v, const Tensor<double>& mass, index_t constraints) {
  const index_t dof = v.rows() * v.cols() - constraints;
  if (dof <= 0) fail("kinetic_temperature", "no degrees of freedom left (" + std::to_string(v.rows() * v.cols()) +
                                                " minus " + std::to_string(constraints) + " constraints)");
  return 2.0 * kinetic_energy(v, mass) / static_cast<double>(dof);
}

}  // namespace dg::physics
