// Activations: dispatch from the enum to the tape ops, the GELU composition, names and gains.
#include "nn/activation.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace dg::nn {

template <class T>
Var<T> gelu(Var<T> x) {
  // inner = sqrt(2/pi) (x + 0.044715 x^3); gelu = 0.5 x (1 + tanh(inner))
  const double c = std::sqrt(2.0 / std::numbers::pi);
  Var<T> inner = scale(x + 0.044715 * (square(x) * x), c);
  return 0.5 * (x * (tanh(inner) + 1.0));
}

template <class T>
Var<T> activate(Activation f, Var<T> x) {
  switch (f) {
    case Activation::Identity: return x;
    case Activation::Relu: return relu(x);
    case Activation::Silu: return silu(x);
    case Activation::Tanh: return tanh(x);
    case Activation::Sigmoid: return sigmoid(x);
    case Activation::Softplus: return softplus(x);
    case Activation::Sin: return sin(x);
    case Activation::Gelu: return gelu(x);
  }
  throw std::invalid_argument("activate: unknown activation " + std::to_string(static_cast<int>(f)));
}

const char* activation_name(Activation f) {
  switch (f) {
    case Activation::Identity: return "identity";
    case Activation::Relu: return "relu";
    case Activation::Silu: return "silu";
    case Activation::Tanh: return "tanh";
    case Activation::Sigmoid: return "sigmoid";
    case Activation::Softplus: return "softplus";
    case Activation::Sin: return "sin";
    case Activation::Gelu: return "gelu";
  }
  return "unknown";
}

Activation parse_activation(std::string_view name) {
  if (name == "none" || name == "linear") return Activation::Identity;
  if (name == "swish") return Activation::Silu;
  for (Activation f : {Activation::Identity, Activation::Relu, Activation::Silu, Activation::Tanh, Activation::Sigmoid,
                       Activation::Softplus, Activation::Sin, Activation::Gelu})
    if (name == activation_name(f)) return f;
  throw std::invalid_argument("parse_activation: unknown activation '" + std::string(name) +
                              "' (known: identity, relu, silu, tanh, sigmoid, softplus, sin, gelu)");
}

std::optional<Act> fused_act(Activation f) {
  switch (f) {
    case Activation::Identity: return Act::Identity;
    case Activation::Relu: return Act::Relu;
    case Activation::Silu: return Act::Silu;
    case Activation::Tanh: return Act::Tanh;
    case Activation::Sigmoid: return Act::Sigmoid;
    case Activation::Softplus: return Act::Softplus;
    case Activation::Sin: return Act::Sin;
    case Activation::Gelu: return std::nullopt;
  }
  return std::nullopt;
}

double recommended_gain(Activation f) {
  switch (f) {
    case Activation::Relu: return std::numbers::sqrt2;
    case Activation::Tanh: return 5.0 / 3.0;
    default: return 1.0;
  }
}

template Var<float> gelu(Var<float>);
template Var<double> gelu(Var<double>);
template Var<float> activate(Activation, Var<float>);
template Var<double> activate(Activation, Var<double>);

}  // namespace dg::nn
