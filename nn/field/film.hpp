// FiLM<T>: feature-wise linear modulation (Perez, Strub, de Vries, Dumoulin and Courville, "FiLM:
// visual reasoning with a general conditioning layer", AAAI 2018). A latent code z is mapped to a
// scale and a shift for each modulated layer l of width w_l:
//
//   [dgamma_1, beta_1, ..., dgamma_L, beta_L] = g(z),   gamma_l = 1 + dgamma_l
//   layer l:  y -> gamma_l * y + beta_l                (rows of y times rows of gamma_l)
//
// g is Linear(Z, 2 sum w_l), or MLP(Z -> hidden -> 2 sum w_l) when hidden > 0. gamma is written
// as 1 + dgamma so that a code of zeros leaves a freshly initialised network almost unmodulated.
// Codes are rows: z (R, Z) modulates R rows one by one (for example one code per particle,
// gathered from one code per graph with gather_rows), z (1, Z) modulates every row alike.
//
// Parameters: generator.layers.<k>.{weight,bias}.
#pragma once

#include <string>
#include <vector>

#include "nn/mlp.hpp"

namespace dg::nn {

template <class T>
struct Modulation {
  Var<T> gamma;  // (R, w_l)
  Var<T> beta;   // (R, w_l)
};

template <class T>
class FiLM : public Module<T> {
 public:
  // code_dim = Z, widths = {w_1, ..., w_L}. Throws std::invalid_argument for non-positive sizes.
  FiLM(index_t code_dim, const std::vector<index_t>& widths, Philox& rng, index_t hidden = 0,
       Activation activation = Activation::Silu);

  // z (R, Z) -> one Modulation per modulated layer (a convenience: allocates the vector).
  std::vector<Modulation<T>> forward(Tape<T>& tape, Var<T> z);
  // The allocation-free pair: every modulation at once, g(z) (R, 2 sum w), then layer l's share.
  Var<T> generate(Tape<T>& tape, Var<T> z);
  Modulation<T> modulation(Var<T> generated, std::size_t l) const;
  // gamma * y + beta.
  static Var<T> apply(Var<T> y, const Modulation<T>& m) { return m.gamma * y + m.beta; }

  index_t code_dim() const { return code_dim_; }
  const std::vector<index_t>& widths() const { return widths_; }
  std::string describe() const override;

  MLP<T> generator;

 private:
  index_t code_dim_;
  std::vector<index_t> widths_;
  std::vector<index_t> offsets_;  // first column of layer l's [dgamma, beta] in g(z)
};

extern template class FiLM<float>;
extern template class FiLM<double>;

}  // namespace dg::nn
