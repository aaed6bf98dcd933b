// Activation functions as a small enum, so that layers (MLP) can take one as an option and
// configs can name one. All are tape ops or compositions of them:
//   gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))   (the tanh form, Hendrycks & Gimpel 2016)
#pragma once

#include <optional>
#include <string_view>

#include "autodiff/ops.hpp"

namespace dg::nn {

// The activations of the fused tape ops (`Act`, autodiff/op.hpp: identity and the unary ops of
// DG_ACTIVATION_OPS, with the same names and order), then those composed of several ops.
enum class Activation {
  Identity,
#define DG_ACTIVATION_ENUM(e, f) e,
  DG_ACTIVATION_OPS(DG_ACTIVATION_ENUM)
#undef DG_ACTIVATION_ENUM
  Gelu
};

// The tanh approximation of GELU, composed of tape ops.
template <class T>
Var<T> gelu(Var<T> x);

// f(x) for the chosen activation; Identity returns x itself (no node).
template <class T>
Var<T> activate(Activation f, Var<T> x);

// "identity", the unary op's name (autodiff/op.hpp), or "gelu".
const char* activation_name(Activation f);
// The inverse of activation_name (also accepts "none", "linear" and "swish"); throws
// std::invalid_argument listing the known names.
Activation parse_activation(std::string_view name);

// The activation of the fused tape op `linear` (autodiff/op.hpp) computing the same function, or
// nullopt when there is none (gelu is composed of several ops).
std::optional<Act> fused_act(Activation f);

// The initialiser gain recommended for a layer followed by f (PyTorch's calculate_gain where it
// defines one: relu sqrt(2), tanh 5/3, identity and sigmoid 1; 1 for the others).
double recommended_gain(Activation f);

extern template Var<float> gelu(Var<float>);
extern template Var<double> gelu(Var<double>);
extern template Var<float> activate(Activation, Var<float>);
extern template Var<double> activate(Activation, Var<double>);

}  // namespace dg::nn
