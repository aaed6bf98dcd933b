// Residual<L>: y = x + block(x), a skip connection around any one-input layer L (Linear, MLP, ...).
// The block is built in place from the constructor arguments and is the child "block", so its
// parameters are `block.weight`, `block.layers.0.bias`, ...
//
//   Residual<MLP<float>> res(std::vector<index_t>{16, 64, 16}, rng);
#pragma once

#include <string>
#include <utility>

#include "autodiff/ops.hpp"
#include "nn/module.hpp"

namespace dg::nn {

template <class L>
class Residual : public Layer<typename L::value_type> {
 public:
  using T = typename L::value_type;

  template <class... Args>
  explicit Residual(Args&&... args) : block(std::forward<Args>(args)...) {
    this->register_module("block", block);
  }

  // x + block(x); the block must keep the shape of x.
  Var<T> forward(Tape<T>& tape, Var<T> x) override {
    Var<T> fx = block.forward(tape, x);
    if (fx.shape() != x.shape())
      throw ShapeError(describe() + ": the block changes the shape from " + x.shape().str() + " to " +
                       fx.shape().str());
    return x + fx;
  }

  std::string describe() const override { return "Residual(" + block.describe() + ")"; }

  L block;
};

}  // namespace dg::nn
