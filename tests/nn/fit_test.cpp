// End to end: an MLP trained with Adam fits sin(x) on [-pi, pi] to MSE < 1e-3 within a fixed
// number of steps, measured on a grid it was not trained on. It fails if the forward, the
// backward or the optimiser is wrong (an untrained network's MSE is about 0.5).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

#include "autodiff/parallel.hpp"
#include "nn/adam.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"
#include "nn/schedule.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

// (n, 1) points on [-pi, pi] (offset by half a spacing when `shifted`) and (n, 1) sin of them.
template <class T>
std::pair<Tensor<T>, Tensor<T>> sine_data(index_t n, bool shifted) {
  Tensor<T> x(Shape{n, 1}), y(Shape{n, 1});
  const double h = 2 * std::numbers::pi / double(n - 1);
  for (index_t i = 0; i < n; ++i) {
    const double xi = std::min(std::numbers::pi, -std::numbers::pi + h * (double(i) + (shifted ? 0.5 : 0.0)));
    x[i] = static_cast<T>(xi);
    y[i] = static_cast<T>(std::sin(xi));
  }
  return {x, y};
}

template <class T>
double grid_mse(MLP<T>& net, Tape<T>& tape, const Tensor<T>& x, const Tensor<T>& y) {
  tape.reset();
  NoGradGuard<T> no_grad(tape);
  return static_cast<double>(mse_loss(net(tape, tape.constant(x)), tape.constant(y)).item());
}

}  // namespace

TEST_CASE_TEMPLATE("an MLP fits sin(x) on [-pi, pi] to MSE < 1e-3", T, float, double) {
  // One thread: this test is about learning, and its small products run faster serially on a
  // busy machine (thread-count independence is tested in trainer_test.cpp).
  const int threads = num_threads();
  set_num_threads(1);
  const auto [x, y] = sine_data<T>(128, false);
  const auto [x_test, y_test] = sine_data<T>(301, true);
  Philox rng(2024);
  MLP<T> net({1, 32, 32, 1}, rng, {.activation = Activation::Tanh});
  Adam<T> opt(net.parameters(), {.lr = 1e-2});
  const int steps = 600;
  const Schedule lr = cosine_schedule(1e-2, steps, 1e-4);
  Tape<T> tape;
  const double before = grid_mse(net, tape, x_test, y_test);
  CHECK(before > 0.05);
  for (int s = 0; s < steps; ++s) {
    tape.reset();
    Var<T> loss = mse_loss(net(tape, tape.constant(x)), tape.constant(y));
    opt.zero_grad();
    tape.backward(loss);
    opt.set_lr(lr(opt.step_count()));
    opt.step();
  }
  const double after = grid_mse(net, tape, x_test, y_test);
  MESSAGE("MSE before " << before << ", after " << after);
  CHECK(after < 1e-3);
  set_num_threads(threads);
}
