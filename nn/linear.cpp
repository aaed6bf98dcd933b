// Linear layer: parameter setup, initialisation and the forward x W + b.
#include "nn/linear.hpp"

#include <optional>
#include <stdexcept>

#include "autodiff/ops.hpp"

namespace dg::nn {

template <class T>
Linear<T>::Linear(index_t in, index_t out, Philox& rng, const LinearOptions& options)
    : in_(in), out_(out), has_bias_(options.bias) {
  if (in <= 0 || out <= 0)
    throw std::invalid_argument("Linear: sizes must be positive, got in " + std::to_string(in) + ", out " +
                                std::to_string(out));
  // Weight first, then bias: the order in which the engine is consumed is part of the format.
  weight = Parameter<T>(Shape{in, out});
  initialize(weight.value, options.weight_init, rng, in, out);
  this->register_parameter("weight", weight);
  if (has_bias_) {
    bias = Parameter<T>(Shape{out});
    initialize(bias.value, options.bias_init, rng, in, out);
    this->register_parameter("bias", bias);
  } else {
    bias = Parameter<T>(Shape{0});
  }
}

template <class T>
Var<T> Linear<T>::forward(Tape<T>& tape, Var<T> x) {
  return forward(tape, x, Activation::Identity);
}

template <class T>
Var<T> Linear<T>::forward(Tape<T>& tape, Var<T> x, Activation f) {
  const Shape input = x.valid() ? x.shape() : Shape{};
  Var<T> rows = as_feature_rows(*this, x, in_);  // (B, I)
  Var<T> b = has_bias_ ? tape.param(bias) : Var<T>{};  // (O,) or none
  // The fused node computes act(x W + b); activations without a fused form follow it.
  const std::optional<Act> fused = fused_act(f);
  Var<T> y = linear(rows, tape.param(weight), b, fused.value_or(Act::Identity));  // (B, O)
  if (!fused) y = activate(f, y);
  return with_leading_dims(y, input);
}

template <class T>
std::string Linear<T>::describe() const {
  return "Linear(" + std::to_string(in_) + ", " + std::to_string(out_) + (has_bias_ ? ", bias)" : ", no bias)");
}

template class Linear<float>;
template class Linear<double>;

}  // namespace dg::nn
