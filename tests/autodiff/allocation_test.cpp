// Steady-state training allocates nothing: global operator new and the arena's device
// allocations are counted over steps 2 to 10 of an MLP training loop (Adam written out here).
// This executable replaces the global operator new, so it is its own test program.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>

#include "autodiff/ops.hpp"
#include "autodiff/storage.hpp"

#include "tests/common/count_new.hpp"

using namespace dg;

TEST_CASE("an MLP training step allocates nothing after the first") {
  std::mt19937_64 rng(1);
  std::normal_distribution<float> n01;
  const index_t B = 256, H = 64;
  auto randn = [&](Shape s, float scale) {
    Tensor<float> t(s);
    for (index_t i = 0; i < t.numel(); ++i) t[i] = scale * n01(rng);
    return t;
  };
  std::vector<Parameter<float>> params;
  params.reserve(6);
  params.emplace_back(randn(Shape{1, H}, 1.0f));
  params.emplace_back(randn(Shape{H}, 0.1f));
  params.emplace_back(randn(Shape{H, H}, 0.125f));
  params.emplace_back(randn(Shape{H}, 0.1f));
  params.emplace_back(randn(Shape{H, 1}, 0.125f));
  params.emplace_back(randn(Shape{1}, 0.1f));
  std::vector<Tensor<float>> m, v;  // Adam moments
  for (auto& p : params) m.push_back(Tensor<float>::zeros(p.shape())), v.push_back(Tensor<float>::zeros(p.shape()));
  Tensor<float> x(Shape{B, 1}), y(Shape{B, 1});
  for (index_t i = 0; i < B; ++i) x[i] = -3.14f + 6.28f * static_cast<float>(i) / B, y[i] = std::sin(x[i]);

  Tape<float> tape;
  float first_loss = 0, last_loss = 0;
  long news_before = 0;
  std::size_t device_before = 0;
  for (int step = 1; step <= 10; ++step) {
    if (step == 2) news_before = dg::test::new_calls(), device_before = device_allocation_count();
    tape.reset();
    for (auto& p : params) p.zero_grad();
    Var<float> h = tanh(matmul(tape.constant(x), tape.param(params[0])) + tape.param(params[1]));
    h = silu(matmul(h, tape.param(params[2])) + tape.param(params[3]));
    Var<float> out = matmul(h, tape.param(params[4])) + tape.param(params[5]);
    Var<float> loss = mean(square(out - tape.constant(y)));
    tape.backward(loss);
    const float lr = 1e-2f, b1 = 0.9f, b2 = 0.999f;
    for (std::size_t k = 0; k < params.size(); ++k)
      for (index_t i = 0; i < params[k].value.numel(); ++i) {
        const float g = params[k].grad[i];
        m[k][i] = b1 * m[k][i] + (1 - b1) * g;
        v[k][i] = b2 * v[k][i] + (1 - b2) * g * g;
        const float mh = m[k][i] / (1 - std::pow(b1, float(step))), vh = v[k][i] / (1 - std::pow(b2, float(step)));
        params[k].value[i] -= lr * mh / (std::sqrt(vh) + 1e-8f);
      }
    (step == 1 ? first_loss : last_loss) = loss.item();
  }
  CHECK(dg::test::new_calls() - news_before == 0);
  CHECK(device_allocation_count() - device_before == 0);
  CHECK(last_loss < first_loss);  // it did train
}
