// MLP<T>: a stack of Linear layers with an activation between them.
//
//   MLP<float> net({1, 64, 64, 1}, rng, {.activation = Activation::Tanh});
//   // layers.0: Linear(1, 64), tanh, layers.1: Linear(64, 64), tanh, layers.2: Linear(64, 1)
//
// widths = {in, hidden..., out}; the activation follows every layer but the last, which is
// followed by final_activation (Identity by default).
#pragma once

#include <string>
#include <vector>

#include "nn/activation.hpp"
#include "nn/linear.hpp"
#include "nn/module_list.hpp"

namespace dg::nn {

struct MLPOptions {
  Activation activation = Activation::Silu;
  Activation final_activation = Activation::Identity;
  LinearOptions linear = {};  // for every layer
};

template <class T>
class MLP : public Layer<T> {
 public:
  MLP(const std::vector<index_t>& widths, Philox& rng, const MLPOptions& options = {});

  // (B, widths.front()) -> (B, widths.back()); leading dimensions as in Linear.
  Var<T> forward(Tape<T>& tape, Var<T> x) override;

  const std::vector<index_t>& widths() const { return widths_; }
  std::string describe() const override;

  ModuleList<Linear<T>> layers;

 private:
  std::vector<index_t> widths_;
  MLPOptions options_;
};

extern template class MLP<float>;
extern template class MLP<double>;

}  // namespace dg::nn
