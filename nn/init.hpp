// Weight initialisers, drawn from an explicit seeded Philox engine (autodiff/random.hpp), one
// element after another in row-major order: the same seed gives the same weights on every
// machine and with any number of threads.
//
// Fans: a weight is seen through its matrix view (rows, cols) = (fan_in, fan_out), which is the
// (in, out) layout of nn::Linear. Layers pass their fans explicitly (a bias uses its weight's).
//   Xavier/Glorot (Glorot & Bengio 2010): std = gain * sqrt(2 / (fan_in + fan_out)),
//                                         uniform bound = gain * sqrt(6 / (fan_in + fan_out)).
//   Kaiming/He (He et al. 2015):          std = gain / sqrt(fan),  uniform bound = gain * sqrt(3 / fan),
//                                         fan = fan_in or fan_out (FanMode); gain sqrt(2) for ReLU.
//   torch_linear():                       U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's nn.Linear default.
#pragma once

#include <string>

#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"

namespace dg::nn {

enum class FanMode { FanIn, FanOut };

// What to draw: a small value type, so that layers can take it as an option.
struct Init {
  enum class Kind { Zeros, Constant, Uniform, Normal, XavierUniform, XavierNormal, KaimingUniform, KaimingNormal };
  Kind kind = Kind::Zeros;
  double a = 0;     // Constant: value; Uniform: lo; Normal: mean; Xavier/Kaiming: gain
  double b = 0;     // Uniform: hi; Normal: std
  FanMode mode = FanMode::FanIn;  // Kaiming only

  static Init zeros() { return {Kind::Zeros, 0, 0}; }
  static Init constant(double value) { return {Kind::Constant, value, 0}; }
  static Init uniform(double lo, double hi) { return {Kind::Uniform, lo, hi}; }
  static Init normal(double mean, double std) { return {Kind::Normal, mean, std}; }
  static Init xavier_uniform(double gain = 1) { return {Kind::XavierUniform, gain, 0}; }
  static Init xavier_normal(double gain = 1) { return {Kind::XavierNormal, gain, 0}; }
  static Init kaiming_uniform(double gain = 1.4142135623730951, FanMode m = FanMode::FanIn) {
    return {Kind::KaimingUniform, gain, 0, m};
  }
  static Init kaiming_normal(double gain = 1.4142135623730951, FanMode m = FanMode::FanIn) {
    return {Kind::KaimingNormal, gain, 0, m};
  }
  // U(-1/sqrt(fan_in), 1/sqrt(fan_in)): Kaiming uniform with gain 1/sqrt(3).
  static Init torch_linear() { return kaiming_uniform(0.5773502691896258, FanMode::FanIn); }

  std::string describe() const;  // e.g. "xavier_uniform(gain=1)"
};

// Fills `w` according to `init` with the given fans; throws std::invalid_argument for an
// impossible setting (negative std, lo > hi, zero fan, non-finite numbers) naming the initialiser.
template <class T>
void initialize(Tensor<T>& w, const Init& init, Philox& rng, index_t fan_in, index_t fan_out);
// Same, with the fans of w's matrix view: (rows, cols) = (fan_in, fan_out).
template <class T>
void initialize(Tensor<T>& w, const Init& init, Philox& rng);

extern template void initialize<float>(Tensor<float>&, const Init&, Philox&, index_t, index_t);
extern template void initialize<double>(Tensor<double>&, const Init&, Philox&, index_t, index_t);
extern template void initialize<float>(Tensor<float>&, const Init&, Philox&);
extern template void initialize<double>(Tensor<double>&, const Init&, Philox&);

}  // namespace dg::nn
