#include <doctest/doctest.h>
#include <iostream>
#include "autodiff/ops.hpp"
using namespace dg;
TEST_CASE("smoke") {
  Tape<double> t;
  Var<double> x = t.variable(Tensor<double>({2, 2}, {1, 2, 3, 4}));
  Var<double> y = sum(tanh(x) * x);
  t.backward(y);
  CHECK(x.grad()[0] == doctest::Approx(std::tanh(1.0) + 1.0 * (1 - std::tanh(1.0) * std::tanh(1.0))));
  t.print(std::cout);
}
