// Finite-difference check of a module's parameter gradients (and optionally an input's), in
// double: the tape's gradient of loss = sum(f(tape) * W), for a fixed random W, against central
// differences of the same loss with one parameter element moved by +-h.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "autodiff/ops.hpp"
#include "nn/module.hpp"

namespace dg::test {

// f(tape) -> Var<double> builds the forward on a fresh tape (registering the module's
// parameters itself). Checks at most `max_checks` elements per parameter.
template <class F>
void check_parameter_gradients(nn::Module<double>& module, F f, std::uint64_t seed = 3, index_t max_checks = 24,
                               double tol = 1e-6) {
  std::mt19937_64 rng(seed);
  std::vector<double> w;
  // The scalar loss: a random linear functional of the output (W drawn on first use).
  auto loss = [&](Tape<double>& tape) {
    Var<double> y = f(tape);
    if (w.empty()) {
      std::uniform_real_distribution<double> u(-1, 1);
      w.resize(static_cast<std::size_t>(y.numel()));
      for (double& x : w) x = u(rng);
    }
    return sum(y * tape.constant(y.shape(), w.data()));
  };
  module.zero_grad();
  {
    Tape<double> tape;
    tape.backward(loss(tape));
  }
  const double h = 1e-6;
  for (const nn::NamedParameter<double>& np : module.parameters()) {
    CAPTURE(np.name);
    Tensor<double>& v = np.param->value;
    const index_t step = std::max<index_t>(1, v.numel() / max_checks);
    for (index_t i = 0; i < v.numel(); i += step) {
      const double old = v[i];
      Tape<double> tape;
      v[i] = old + h;
      const double plus = loss(tape).item();
      tape.reset();
      v[i] = old - h;
      const double minus = loss(tape).item();
      v[i] = old;
      const double fd = (plus - minus) / (2 * h);
      CAPTURE(i);
      CHECK(np.param->grad[i] == doctest::Approx(fd).epsilon(tol).scale(1.0));
    }
  }
}

}  // namespace dg::test
