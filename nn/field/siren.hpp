// SineLayer<T>: a layer of a SIREN (Sitzmann, Martel, Bergman, Lindell and Wetzstein, "Implicit
// neural representations with periodic activation functions", NeurIPS 2020):
//
//   y = sin(omega_0 (x W + b)),   omega_0 = 30 by default
//
// with the paper's initialisation, which keeps the pre-activations' distribution the same from
// layer to layer: W ~ U(-1/in, 1/in) in the first layer (so that sin spans several periods over
// inputs in [-1, 1]) and W ~ U(-sqrt(6/in)/omega_0, sqrt(6/in)/omega_0) in the others; b keeps
// PyTorch's default U(-1/sqrt(in), 1/sqrt(in)), as the authors' code does. A SIREN ends in a plain
// Linear initialised like a hidden layer (siren_output_options).
//
// FiLM (nn/field/film.hpp) modulates the pre-activation: y = sin(gamma * omega_0 (x W + b) + beta),
// as pi-GAN (Chan et al. 2021) does.
//
// The product, bias, omega_0 and sine are one fused linear node: sin(x (omega_0 W) + omega_0 b).
// Parameters: linear.weight (in, out), linear.bias (out).
#pragma once

#include <string>

#include "nn/linear.hpp"

namespace dg::nn {

template <class T>
class SineLayer : public Layer<T> {
 public:
  // Throws std::invalid_argument for non-positive sizes or an omega_0 that is not finite and > 0.
  SineLayer(index_t in, index_t out, Philox& rng, bool is_first, double omega_0 = 30.0);

  // (R, in) -> (R, out); leading dimensions as in Linear.
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  // sin(gamma * omega_0 (x W + b) + beta); gamma, beta (R, out) or (1, out) (broadcast over rows).
  Var<T> forward(Tape<T>& tape, Var<T> x, Var<T> gamma, Var<T> beta);

  double omega_0() const { return omega_0_; }
  bool is_first() const { return is_first_; }
  std::string describe() const override;

  Linear<T> linear;

 private:
  double omega_0_;
  bool is_first_;
};

// LinearOptions of a SineLayer's weights, and of a SIREN's last (linear) layer: weight
// U(-bound, bound) with bound 1/in (first) or sqrt(6/in)/omega_0 (others).
LinearOptions siren_options(index_t in, bool is_first, double omega_0);

extern template class SineLayer<float>;
extern template class SineLayer<double>;

}  // namespace dg::nn
