// Small forces for the integrator tests (the real ones live in physics/): each is a callable
// force(q, v, t, a_out) giving accelerations, (N, d), for plain tensors and, where a test needs
// gradients, for tape values.
#pragma once

#include <cmath>
#include <vector>

#include "autodiff/ops.hpp"
#include "integrators/state.hpp"

namespace dg::test {

// Kepler problem around a fixed mass at the origin: a = -GM q / |q|^3 for every particle.
struct KeplerForce {
  double gm = 1;
  template <class T>
  void operator()(const Tensor<T>& q, const Tensor<T>&, double, Tensor<T>& a) const {
    const index_t n = q.rows(), d = q.cols();
    for (index_t i = 0; i < n; ++i) {
      double r2 = 0;
      for (index_t c = 0; c < d; ++c) r2 += double(q(i, c)) * double(q(i, c));
      const double s = -gm / (r2 * std::sqrt(r2));
      for (index_t c = 0; c < d; ++c) a(i, c) = static_cast<T>(s * q(i, c));
    }
  }
};

// Energy per unit mass of particle 0 in the Kepler field: |v|^2 / 2 - GM / |q|.
inline double kepler_energy(const Tensor<double>& q, const Tensor<double>& v, double gm = 1) {
  double r2 = 0, v2 = 0;
  for (index_t c = 0; c < q.cols(); ++c) {
    r2 += q(0, c) * q(0, c);
    v2 += v(0, c) * v(0, c);
  }
  return 0.5 * v2 - gm / std::sqrt(r2);
}

// Harmonic well a = -omega2 q (omega2 = k / m), on plain tensors and on tape values.
struct HarmonicForce {
  double omega2 = 1;
  template <class T>
  void operator()(const Tensor<T>& q, const Tensor<T>&, double, Tensor<T>& a) const {
    for (index_t i = 0; i < q.numel(); ++i) a[i] = static_cast<T>(-omega2 * q[i]);
  }
  template <class T>
  void operator()(const Var<T>& q, const Var<T>&, double, Var<T>& a) const {
    a = q * (-omega2);
  }
};

// No force at all (free particles).
struct FreeForce {
  template <class T>
  void operator()(const Tensor<T>&, const Tensor<T>&, double, Tensor<T>& a) const { a.fill(T(0)); }
  template <class T>
  void operator()(const Var<T>& q, const Var<T>&, double, Var<T>& a) const { a = q * 0.0; }
};

// A constant acceleration g (the same vector for every particle), d components.
struct ConstantForce {
  std::vector<double> g;
  template <class T>
  void operator()(const Tensor<T>& q, const Tensor<T>&, double, Tensor<T>& a) const {
    for (index_t i = 0; i < q.rows(); ++i)
      for (index_t c = 0; c < q.cols(); ++c) a(i, c) = static_cast<T>(g[static_cast<std::size_t>(c)]);
  }
};

// A "learned" force with three parameters, velocity dependent:
//   a = -theta0 q^3 + theta1 q - theta2 v + 0.1 sin(t)
// (a double well for theta0, theta1 > 0, with friction theta2, and a time-dependent push). The
// plain version reads the parameters' values; the tape version puts them on q's tape.
struct LearnedForce {
  Parameter<double>* theta[3];
  void operator()(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& a) const {
    const double t0 = theta[0]->value.item(), t1 = theta[1]->value.item(), t2 = theta[2]->value.item();
    for (index_t i = 0; i < q.numel(); ++i) a[i] = -t0 * q[i] * q[i] * q[i] + t1 * q[i] - t2 * v[i] + 0.1 * std::sin(t);
  }
  void operator()(const Var<double>& q, const Var<double>& v, double t, Var<double>& a) const {
    Tape<double>& tape = *q.tape;
    const Var<double> t0 = tape.param(*theta[0]), t1 = tape.param(*theta[1]), t2 = tape.param(*theta[2]);
    a = q * t1 - pow(q, 3.0) * t0 - v * t2 + 0.1 * std::sin(t);
  }
};

}  // namespace dg::test
