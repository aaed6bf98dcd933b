// The N-particle underdamped Langevin algorithm for mean-field functionals (Fu and Wilson,
// "Mean-field underdamped Langevin dynamics and its spacetime discretization", ICML 2024,
// arXiv 2312.16360).
//
// The dynamics: N particles (x_i, v_i) with
//   dx_i = v_i dt,  dv_i = -gamma v_i dt + a_i dt + sqrt(2 gamma kT / m_i) dW_i,
//   a_i = -grad_x (dF/dmu)(mu_N)(x_i) / m_i,   mu_N = (1/N) sum_j delta(x_j),
// where dF/dmu is the first variation of the functional F, evaluated on the EMPIRICAL measure of
// the particles: the force callback sees all particles at once (it is the usual
// force(q, v, t, a_out)) and returns these a_i. kT is the weight of the entropy term.
//
// One step of length h ("space" discretisation: the N particles; "time": the force is frozen
// at its value at x_k over the step, and the remaining linear SDE, the Ornstein-Uhlenbeck process
// with a constant drift, is integrated exactly, as in Cheng et al. 2018, underdamped Langevin
// MCMC). With e = exp(-gamma h) and u_i = kT / m_i, per particle and component:
//
//   v_{k+1} = e v_k + (1 - e)/gamma a_k                                   + W_v
//   x_{k+1} = x_k + (1 - e)/gamma v_k + (h - (1 - e)/gamma)/gamma a_k      + W_x
//
// where (W_x, W_v) is Gaussian, independent across particles, components and steps, with
//   Var W_v      = u (1 - e^2)
//   Var W_x      = u / gamma^2 (2 gamma h - 3 + 4 e - e^2)
//   Cov(W_x, W_v) = u / gamma (1 - e)^2
// (integrate v(s) = e^{-gamma s} v_k + ... + sqrt(2 gamma u) int e^{-gamma (s - r)} dW_r and
// x = x_k + int v). The noise is drawn through the Cholesky factor of this 2x2 covariance:
// W_v = l11 xi1, W_x = l21 xi1 + l22 xi2. The coefficients are written with expm1 and series
// so that gamma -> 0 is smooth (gamma = 0: x += h v + h^2/2 a, v += h a, no noise).
// For a constant force the step is exact for any h, which the tests check.
#pragma once

#include <algorithm>
#include <cmath>

#include "integrators/langevin.hpp"

namespace dg::integrators {

// The exact Ornstein-Uhlenbeck step coefficients for friction gamma over a time h, for u = 1
// (the noise moments scale with u = kT / m). With z = gamma h they are written through
//   phi1 = (1 - e^-z)/z,  phi2 = (z - 1 + e^-z)/z^2,  phi3 = (2z - 3 + 4e^-z - e^-2z)/z^3,
// which tend to 1, 1/2, 2/3 as z -> 0; below z = 0.1 their Taylor series (12 terms, error under
// 1e-16) replace the closed forms, whose cancellation would cost up to 3 eps / z^2.
struct OUCoefficients {
  double e;                     // exp(-gamma h)
  double x_v;                   // (1 - e) / gamma = h phi1: the weight of v in x and of a in v
  double x_a;                   // (h - (1 - e)/gamma) / gamma = h^2 phi2: the weight of a in x
  double var_v, var_x, cov_xv;  // noise moments for u = 1

  OUCoefficients(double gamma, double h) {
    const double z = gamma * h;
    e = std::exp(-z);
    double phi1, phi2, phi3;
    if (z < 0.1) {
      // phi1 = sum (-z)^k / (k+1)!, phi2 = sum (-z)^k / (k+2)!, phi3 = sum (-z)^k (2^(k+3) - 4) / (k+3)!
      phi1 = phi2 = phi3 = 0;
      double zk = 1, fact1 = 1, fact2 = 2, fact3 = 6, pow2 = 8;  // (-z)^k, (k+1)!, (k+2)!, (k+3)!, 2^(k+3)
      for (int k = 0; k < 12; ++k) {
        phi1 += zk / fact1;
        phi2 += zk / fact2;
        phi3 += zk * (pow2 - 4) / fact3;
        zk *= -z;
        fact1 *= k + 2;
        fact2 *= k + 3;
        fact3 *= k + 4;
        pow2 *= 2;
      }
    } else {
      const double one_minus_e = -std::expm1(-z);
      phi1 = one_minus_e / z;
      phi2 = (z - one_minus_e) / (z * z);
      phi3 = (2 * z - 4 * one_minus_e - std::expm1(-2 * z)) / (z * z * z);
    }
    x_v = h * phi1;
    x_a = h * h * phi2;
    var_v = -std::expm1(-2 * z);    // 1 - e^2
    var_x = h * h * z * phi3;       // (2z - 3 + 4e - e^2) / gamma^2
    cov_xv = h * z * phi1 * phi1;   // (1 - e)^2 / gamma
  }
};

struct MeanFieldLangevin {
  static constexpr const char* name = "mean_field_langevin";
  double dt = 0;
  Thermostat bath{};

  template <class V>
  void prepare(const State<V>& s, Workspace<V>& ws) const {
    detail::prepare_langevin(name, dt, bath, s, ws);
    // Per particle: the Cholesky factor of u [[var_v, cov], [cov, var_x]].
    const OUCoefficients c(bath.gamma, dt);
    for (std::size_t i = 0; i < ws.factor.size(); ++i) {
      const double u = bath.kT / mass_of(bath.mass, static_cast<index_t>(i));
      const double l11 = std::sqrt(u * c.var_v);
      const double l21 = l11 > 0 ? u * c.cov_xv / l11 : 0.0;
      const double l22 = std::sqrt(std::max(0.0, u * c.var_x - l21 * l21));
      ws.factor[i] = NoiseFactor{l11, l21, l22};
    }
  }

  template <class V, class Force, class Boundary>
  void step(State<V>& s, Force&& force, Boundary&& boundary, Workspace<V>& w) const {
    const OUCoefficients c(bath.gamma, dt);
    const bool noisy = detail::draw_step_noise(name, bath, s, w, true);  // noise1 = W_v, noise2 = W_x
    // Position first: it needs the old velocity.
    add_scaled(s.q, c.x_v, s.v);
    add_scaled(s.q, c.x_a, s.a);
    if (noisy) add_noise(s.q, w.noise2);
    multiply_by(s.v, c.e);
    add_scaled(s.v, c.x_v, s.a);
    if (noisy) add_noise(s.v, w.noise1);
    boundary(s.q, s.v);
    s.t += dt;
    update_force(s, force);
    end_step(name, s);
  }
};

}  // namespace dg::integrators
