// LayerNorm<T> (Ba, Kiros & Hinton 2016): normalise each row over its features, then scale and shift.
//   y = (x - mean(x)) / sqrt(var(x) + eps) * weight + bias,   var is the biased (1/F) variance,
// mean and var taken over the last dimension F. weight starts at 1 and bias at 0 (PyTorch names).
#pragma once

#include <string>

#include "nn/module.hpp"

namespace dg::nn {

template <class T>
class LayerNorm : public Layer<T> {
 public:
  explicit LayerNorm(index_t features, double eps = 1e-5, bool affine = true);

  // (B, F) -> (B, F); any rank 1-3 whose last dimension is F.
  Var<T> forward(Tape<T>& tape, Var<T> x) override;

  index_t features() const { return features_; }
  std::string describe() const override;

  Parameter<T> weight;  // (F,) scale; (0,) without affine
  Parameter<T> bias;    // (F,) shift; (0,) without affine

 private:
  index_t features_;
  double eps_;
  bool affine_;
};

extern template class LayerNorm<float>;
extern template class LayerNorm<double>;

}  // namespace dg::nn
