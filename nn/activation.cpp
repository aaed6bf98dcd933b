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

// Every activation, in enum order.
constexpr Activation kActivations[] = {
    Activation::Identity,
#define DG_ACTIVATION_LIST(e, f) Activation::e,
    DG_ACTIVATION_OPS(DG_ACTIVATION_LIST)
#undef DG_ACTIVATION_LIST
    Activation::Gelu,
};

std::optional<Act> fused_act(Activation f) {
  switch (f) {
    case Activation::Identity: return Act::Identity;
#define DG_FUSED_CASE(e, f) \
  case Activation::e: return Act::e;
      DG_ACTIVATION_OPS(DG_FUSED_CASE)
#undef DG_FUSED_CASE
    case Activation::Gelu: return std::nullopt;
  }
  return std::nullopt;
}

template <class T>
Var<T> activate(Activation f, Var<T> x) {
  switch (f) {
    case Activation::Identity: return x;
#define DG_ACTIVATE_CASE(e, f) \
  case Activation::e: return f(x);
      DG_ACTIVATION_OPS(DG_ACTIVATE_CASE)
#undef DG_ACTIVATE_CASE
    case Activation::Gelu: return gelu(x);
  }
  throw std::invalid_argument("activate: unknown activation " + std::to_string(static_cast<int>(f)));
}

const char* activation_name(Activation f) {
  if (f == Activation::Gelu) return "gelu";
  return act_name(*fused_act(f));
}

Activation parse_activation(std::string_view name) {
  if (name == "none" || name == "linear") return Activation::Identity;
  if (name == "swish") return Activation::Silu;
  std::string known;
  for (Activation f : kActivations) {
    if (name == activation_name(f)) return f;
    known += (known.empty() ? "" : ", ") + std::string(activation_name(f));
  }
  throw std::invalid_argument("parse_activation: unknown activation '" + std::string(name) + "' (known: " + known + ")");
}

double recommended_gain(Activation f) {
  switch (f) {
    case Activation::Relu: return std::numbers::sqrt2;
    case Activation::Tanh: return 5.0 / 3.0;
    case Activation::Identity:
    case Activation::Sigmoid:
    case Activation::Silu:
    case Activation::Softplus:
    case Activation::Sin:
    case Activation::Gelu: return 1.0;
  }
  return 1.0;
}

template Var<float> gelu(Var<float>);
template Var<double> gelu(Var<double>);
template Var<float> activate(Activation, Var<float>);
template Var<double> activate(Activation, Var<double>);

}  // namespace dg::nn
