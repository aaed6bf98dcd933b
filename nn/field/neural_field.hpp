// NeuralField<T>: a coordinate network that maps an absolute position (optionally with time, and
// a latent code through FiLM) to a vector, such as a force field E(x) in physical units:
//
//   p = input_scale * x  [, t]                             (N, d [+ 1])
//   Fourier: u = FourierFeatures(p);  u <- act(gamma_l * (u W_l + b_l) + beta_l)  per hidden layer
//   Siren:   u = p;                   u <- sin(gamma_l * omega_0 (u W_l + b_l) + beta_l)
//   None:    u = p;                   u <- act(gamma_l * (u W_l + b_l) + beta_l)
//   y = u W_out + b_out                                    (N, k)
//
// with gamma_l = 1, beta_l = 0 when there is no code. Without FiLM every hidden layer is one fused
// linear node. input_scale maps the domain of interest to about [-1, 1] for SIREN (its first layer
// is tuned for that range); for Fourier features sigma * input_scale sets the finest detail.
//
//   NeuralField<float> field({.in_dim = 2, .out_dim = 2, .sigma = 0.5, .hidden = {64, 64}}, rng);
//   Var<float> E = field.forward(tape, positions);           // (N, 2)
//
// Parameters: fourier.B (a buffer), layers.<l>.{weight,bias} (Fourier, None) or
// layers.<l>.linear.{weight,bias} (Siren), output.{weight,bias}, film.generator.layers.<k>.*.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nn/field/film.hpp"
#include "nn/field/fourier_features.hpp"
#include "nn/field/siren.hpp"
#include "nn/module_list.hpp"

namespace dg::nn {

enum class FieldEncoding { None, Fourier, Siren };

const char* field_encoding_name(FieldEncoding e);  // "none", "fourier", "siren"

struct NeuralFieldOptions {
  index_t in_dim = 2;                         // d
  index_t out_dim = 2;                        // k
  FieldEncoding encoding = FieldEncoding::Fourier;
  index_t fourier_features = 64;              // F (Fourier)
  double sigma = 1.0;                         // std of the Fourier matrix (Fourier)
  std::vector<index_t> hidden = {128, 128};   // widths of the hidden layers (at least one)
  Activation activation = Activation::Silu;   // Fourier, None
  double omega_0 = 30.0;                      // Siren
  bool time = false;                          // forward() takes t (N, 1) as an extra input
  index_t code_dim = 0;                       // Z > 0: forward() takes a code modulating every hidden layer
  index_t film_hidden = 0;                    // hidden width of the FiLM generator (0: linear)
  double input_scale = 1.0;                   // positions are multiplied by this first
};

template <class T>
class NeuralField : public Module<T> {
 public:
  // Throws std::invalid_argument for impossible sizes or scales, naming the option.
  NeuralField(const NeuralFieldOptions& options, Philox& rng);

  // x (N, d); t (N, 1) when options.time; code (N, Z) or (1, Z) when code_dim > 0 -> (N, k).
  Var<T> forward(Tape<T>& tape, Var<T> x, Var<T> t = {}, Var<T> code = {});

  const NeuralFieldOptions& options() const { return options_; }
  std::string describe() const override;

  std::unique_ptr<FourierFeatures<T>> fourier;  // null unless Fourier
  ModuleList<Linear<T>> layers;                 // hidden layers (Fourier, None)
  ModuleList<SineLayer<T>> sine_layers;         // hidden layers (Siren), registered as "layers"
  std::unique_ptr<Linear<T>> output;
  std::unique_ptr<FiLM<T>> film;                // null unless code_dim > 0

 private:
  NeuralFieldOptions options_;
};

extern template class NeuralField<float>;
extern template class NeuralField<double>;

}  // namespace dg::nn
