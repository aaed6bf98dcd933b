// SineLayer: SIREN initialisation and the fused sin(omega_0 (x W + b)) forward.
#include "nn/field/siren.hpp"

#include <cmath>
#include <stdexcept>

#include "autodiff/message.hpp"
#include "autodiff/ops.hpp"
#include "nn/feature_rows.hpp"

namespace dg::nn {

namespace {

double checked_omega(double omega_0) {
  if (!std::isfinite(omega_0) || omega_0 <= 0)
    throw std::invalid_argument("SineLayer: omega_0 must be finite and > 0, got " + std::to_string(omega_0));
  return omega_0;
}

}  // namespace

LinearOptions siren_options(index_t in, bool is_first, double omega_0) {
  if (in <= 0) throw std::invalid_argument("siren_options: in must be positive, got " + std::to_string(in));
  const double bound = is_first ? 1.0 / static_cast<double>(in) : std::sqrt(6.0 / static_cast<double>(in)) / omega_0;
  return {.bias = true, .weight_init = Init::uniform(-bound, bound)};
}

template <class T>
SineLayer<T>::SineLayer(index_t in, index_t out, Philox& rng, bool is_first, double omega_0)
    : linear(in, out, rng, siren_options(in, is_first, checked_omega(omega_0))), omega_0_(omega_0), is_first_(is_first) {
  this->register_module("linear", linear);
}

template <class T>
Var<T> SineLayer<T>::forward(Tape<T>& tape, Var<T> x) {
  Var<T> rows = as_feature_rows(*this, x, linear.in_features());  // (R, in)
  // omega_0 folded into the (in, out) weight and the bias: one small scale each, then one node.
  Var<T> y = dg::linear(rows, scale(tape.param(linear.weight), omega_0_), scale(tape.param(linear.bias), omega_0_), Act::Sin);
  return with_leading_dims(y, x.shape());
}

template <class T>
Var<T> SineLayer<T>::forward(Tape<T>& tape, Var<T> x, Var<T> gamma, Var<T> beta) {
  Var<T> rows = as_feature_rows(*this, x, linear.in_features());  // (R, in)
  Var<T> z = dg::linear(rows, scale(tape.param(linear.weight), omega_0_), scale(tape.param(linear.bias), omega_0_));
  return with_leading_dims(sin(gamma * z + beta), x.shape());  // (R, out)
}

template <class T>
std::string SineLayer<T>::describe() const {
  Message s;
  s << "SineLayer(" << linear.in_features() << ", " << linear.out_features() << ", omega_0 " << omega_0_
    << (is_first_ ? ", first)" : ")");
  return s.str();
}

template class SineLayer<float>;
template class SineLayer<double>;

}  // namespace dg::nn
