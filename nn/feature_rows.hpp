// Helpers for layers that act on the last dimension of their input (Linear, LayerNorm): view an
// input of rank 1-3 as a matrix (rows, features) and give the result back its leading dimensions.
// Rank 2 inputs pass through without new nodes.
#pragma once

#include <string>

#include "autodiff/ops.hpp"
#include "nn/module.hpp"

namespace dg::nn {

// x as (rows, features); throws ShapeError naming `layer` when the last dimension of x is not
// `features`.
template <class T>
Var<T> as_feature_rows(const Module<T>& layer, Var<T> x, index_t features) {
  if (!x.valid()) throw std::invalid_argument(layer.describe() + ": empty input Var");
  const Shape& s = x.shape();
  if (s.rank == 0 || s.cols() != features)
    throw ShapeError(layer.describe() + ": input has last dimension " + std::to_string(s.rank ? s.cols() : 0) +
                     ", expected " + std::to_string(features) + " (shape " + s.str() + ")");
  if (s.rank == 2) return x;
  return reshape(x, Shape{s.rows(), s.cols()});
}

// y (rows, out) reshaped to the leading dimensions of `input` with last dimension `out`.
template <class T>
Var<T> with_leading_dims(Var<T> y, const Shape& input) {
  if (input.rank == 2) return y;
  Shape s = input;
  s.dims[s.rank - 1] = y.shape().cols();
  return reshape(y, s);
}

}  // namespace dg::nn
