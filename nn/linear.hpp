// Linear<T>: y = x W + b, an affine map of the last dimension of x.
//
// Convention: W is (in, out), as in JAX/Flax and as the matrix product is written (PyTorch stores
// the transpose, (out, in): transpose such weights when importing them). b is (out,) and
// broadcasts over rows. Default initialisation is PyTorch's: W and b ~ U(-1/sqrt(in), 1/sqrt(in)).
//
// Dimension letters: B = rows of the input (batch, nodes or edges), I = in, O = out.
#pragma once

#include <string>

#include "nn/activation.hpp"
#include "nn/feature_rows.hpp"
#include "nn/init.hpp"
#include "nn/module.hpp"

namespace dg::nn {

struct LinearOptions {
  bool bias = true;
  Init weight_init = Init::torch_linear();
  Init bias_init = Init::torch_linear();  // drawn with the weight's fans
};

template <class T>
class Linear : public Layer<T> {
 public:
  Linear(index_t in, index_t out, Philox& rng, const LinearOptions& options = {});

  // (B, I) -> (B, O); any rank 1-3 whose last dimension is I (the leading ones are kept).
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  // f(x W + b), as one fused tape node when the activation has a fused form (all but gelu).
  Var<T> forward(Tape<T>& tape, Var<T> x, Activation f);

  index_t in_features() const { return in_; }
  index_t out_features() const { return out_; }
  bool has_bias() const { return has_bias_; }
  std::string describe() const override;

  Parameter<T> weight;  // (I, O)
  Parameter<T> bias;    // (O,); empty (0,) when there is no bias

 private:
  index_t in_, out_;
  bool has_bias_;
};

extern template class Linear<float>;
extern template class Linear<double>;

}  // namespace dg::nn
