// The two mean-field objectives F(mu_N) of the mean_field_langevin experiment, on the tape:
//   regression  a two-layer network in the mean-field scaling, each neuron a particle
//               theta_i = (a_i, w_i, b_i): f(x) = (1/N) sum_i a_i tanh(w_i x + b_i);
//               F = 1/2 E (f(x) - y)^2 + l2/2 E|theta|^2;
//   mmd         particles in 2D as samples: F = MMD^2 (Gaussian kernel) between the particles
//               and a fixed target sample.
#pragma once

#include "autodiff/ops.hpp"

namespace dg::mean_field_langevin {

// The mean-field network f(x) = (1/N) sum_i a_i tanh(w_i x + b_i) at inputs x (n, 1): (n, 1).
Var<double> network(Var<double> theta, Var<double> x);

struct Regression {
  Tensor<double> x, y;  // (n, 1) training inputs and targets
  double l2;
  Var<double> operator()(Tape<double>& tape, Var<double> theta) const;
};

// Gaussian kernel matrix exp(-|p_i - q_j|^2 / (2 sigma^2)) between the rows of p and q.
Var<double> kernel(Var<double> p, Var<double> q, double sigma);

struct MMD {
  Tensor<double> target;  // (M, 2)
  double sigma;
  double target_term = 0;  // mean k(y, y'), constant
  Var<double> operator()(Tape<double>& tape, Var<double> x) const;
};
// The MMD objective of `target` with its constant term computed.
MMD make_mmd(const Tensor<double>& target, double sigma);

}  // namespace dg::mean_field_langevin
