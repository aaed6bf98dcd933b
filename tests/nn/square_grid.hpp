// A square grid of 2D points for the field tests: (n*n, 2), row j*n + i = (x_i, y_j), both axes
// from lo to hi.
#pragma once

#include "autodiff/tensor.hpp"

namespace dg::test {

inline Tensor<double> square_grid(index_t n, double lo, double hi) {
  Tensor<double> p(Shape{n * n, 2});
  for (index_t j = 0; j < n; ++j)
    for (index_t i = 0; i < n; ++i) {
      p(j * n + i, 0) = lo + (hi - lo) * double(i) / double(n - 1);
      p(j * n + i, 1) = lo + (hi - lo) * double(j) / double(n - 1);
    }
  return p;
}

}  // namespace dg::test
