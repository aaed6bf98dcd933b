// Diagnostics of a particle system, for tests and monitoring: kinetic energy, linear and angular
// momentum, centre of mass, the Clausius virial and the kinetic temperature. Shapes: q, v (N, d),
// mass (N). Potential energies are methods of the forces (Force::potential_energy) and the pair
// virial of a periodic system is PairForce::virial.
#pragma once

#include "autodiff/tensor.hpp"

namespace dg::physics {

// sum_i m_i |v_i|^2 / 2
double kinetic_energy(const Tensor<double>& v, const Tensor<double>& mass);
// P (d) = sum_i m_i v_i
Tensor<double> linear_momentum(const Tensor<double>& v, const Tensor<double>& mass);
// L = sum_i m_i (x_i - origin) x v_i: (1) in 2D (the z component), (3) in 3D. origin (d) or empty.
Tensor<double> angular_momentum(const Tensor<double>& q, const Tensor<double>& v, const Tensor<double>& mass,
                                const Tensor<double>& origin = Tensor<double>());
// (d) sum_i m_i x_i / sum_i m_i
Tensor<double> center_of_mass(const Tensor<double>& q, const Tensor<double>& mass);
// v_i -= P / M, so that the total momentum is zero (the gravity data set starts this way).
void remove_center_of_mass_velocity(Tensor<double>& v, const Tensor<double>& mass);
// sum_i x_i . F_i (open systems; for periodic boxes use the pair virial of the force).
double clausius_virial(const Tensor<double>& q, const Tensor<double>& F);
// kT = 2 KE / (N d - constraints), e.g. constraints = d once the momentum is removed.
double kinetic_temperature(const Tensor<double>& v, const Tensor<double>& mass, index_t constraints = 0);

}  // namespace dg::physics
