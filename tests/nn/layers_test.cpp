// Layers: gradients of every layer's parameters (and inputs) against central finite differences
// in double; forward values against direct formulas; shape errors naming the layer.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "nn/activation.hpp"
#include "nn/embedding.hpp"
#include "nn/layer_norm.hpp"
#include "nn/linear.hpp"
#include "nn/mlp.hpp"
#include "nn/residual.hpp"
#include "tests/nn/param_gradcheck.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

// (rows, cols) values from the engine, in (-1, 1).
template <class T>
Tensor<T> random_tensor(const Shape& s, std::uint64_t seed) {
  Philox rng(seed, 99);
  Tensor<T> t(s);
  for (index_t i = 0; i < t.numel(); ++i) t[i] = static_cast<T>(rng.uniform(-1, 1));
  return t;
}

}  // namespace

TEST_CASE_TEMPLATE("Linear computes x W + b with W (in, out)", T, float, double) {
  Philox rng(1);
  Linear<T> lin(3, 2, rng);
  CHECK(lin.weight.shape() == Shape{3, 2});
  CHECK(lin.bias.shape() == Shape{2});
  const Tensor<T> x = random_tensor<T>(Shape{4, 3}, 2);
  Tape<T> tape;
  Var<T> y = lin(tape, tape.constant(x));
  REQUIRE(y.shape() == Shape{4, 2});
  for (index_t r = 0; r < 4; ++r)
    for (index_t c = 0; c < 2; ++c) {
      double want = lin.bias.value[c];
      for (index_t k = 0; k < 3; ++k) want += double(x(r, k)) * double(lin.weight.value(k, c));
      CHECK(double(y(r, c)) == doctest::Approx(want).epsilon(1e-6));
    }
  // Leading dimensions are kept: (2, 2, 3) -> (2, 2, 2); a rank-1 input gives a rank-1 output.
  Tensor<T> x3(Shape{2, 2, 3});
  std::copy(x.data(), x.data() + 12, x3.data());
  Var<T> y3 = lin(tape, tape.constant(x3));
  CHECK(y3.shape() == Shape{2, 2, 2});
  for (index_t i = 0; i < 8; ++i) CHECK(y3[i] == y[i]);
  CHECK(lin(tape, tape.constant(Tensor<T>::zeros(Shape{3}))).shape() == Shape{2});
}

TEST_CASE("Linear and LayerNorm name themselves in shape errors") {
  Philox rng(1);
  Linear<float> lin(3, 2, rng);
  Tape<float> tape;
  CHECK_THROWS_WITH_AS(lin(tape, tape.zeros(Shape{4, 5})),
                       "Linear(3, 2, bias): input has last dimension 5, expected 3 (shape (4, 5))", ShapeError);
  LayerNorm<float> norm(4);
  CHECK_THROWS_AS(norm(tape, tape.zeros(Shape{2, 3})), ShapeError);
  CHECK_THROWS_AS(Linear<float>(0, 2, rng), std::invalid_argument);
  CHECK_THROWS_AS(MLP<float>(std::vector<index_t>{3}, rng), std::invalid_argument);
}

TEST_CASE("Linear gradients match finite differences (with and without bias)") {
  Philox rng(5);
  for (bool bias : {true, false}) {
    CAPTURE(bias);
    Linear<double> lin(4, 3, rng, {.bias = bias});
    CHECK(lin.parameter_count() == (bias ? 2u : 1u));
    const Tensor<double> x = random_tensor<double>(Shape{5, 4}, 6);
    test::check_parameter_gradients(lin, [&](Tape<double>& t) { return lin(t, t.constant(x)); });
  }
}

TEST_CASE("MLP gradients match finite differences for every activation") {
  for (Activation f : {Activation::Relu, Activation::Silu, Activation::Tanh, Activation::Sigmoid, Activation::Softplus,
                       Activation::Sin, Activation::Gelu}) {
    CAPTURE(activation_name(f));
    Philox rng(7);
    MLP<double> mlp({3, 5, 4, 2}, rng, {.activation = f, .final_activation = Activation::Tanh});
    CHECK(mlp.parameter_count() == 6);
    CHECK(mlp.parameter_numel() == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2);
    const Tensor<double> x = random_tensor<double>(Shape{6, 3}, 8);
    test::check_parameter_gradients(mlp, [&](Tape<double>& t) { return mlp(t, t.constant(x)); });
  }
}

TEST_CASE("MLP forward equals the hand-chained layers") {
  Philox rng(9);
  MLP<double> mlp({2, 4, 1}, rng, {.activation = Activation::Tanh, .final_activation = Activation::Sigmoid});
  const Tensor<double> x = random_tensor<double>(Shape{3, 2}, 10);
  Tape<double> tape;
  Var<double> y = mlp(tape, tape.constant(x));
  const Tensor<double>& W0 = mlp.layers[0].weight.value;
  const Tensor<double>& b0 = mlp.layers[0].bias.value;
  const Tensor<double>& W1 = mlp.layers[1].weight.value;
  for (index_t r = 0; r < 3; ++r) {
    double out = mlp.layers[1].bias.value[0];
    for (index_t h = 0; h < 4; ++h) out += std::tanh(x(r, 0) * W0(0, h) + x(r, 1) * W0(1, h) + b0[h]) * W1(h, 0);
    CHECK(y[r] == doctest::Approx(1 / (1 + std::exp(-out))).epsilon(1e-12));
  }
}

TEST_CASE("gelu is the tanh form and its gradient matches finite differences") {
  Tape<double> tape;
  const std::vector<double> xs = {-3, -1, -0.2, 0, 0.5, 2};
  Var<double> x = tape.variable(Tensor<double>(Shape{6}, xs));
  Var<double> y = gelu(x);
  tape.backward(sum(y));
  auto g = [](double v) {
    return 0.5 * v * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (v + 0.044715 * v * v * v)));
  };
  for (index_t i = 0; i < 6; ++i) {
    const double v = xs[static_cast<std::size_t>(i)];
    CHECK(y[i] == doctest::Approx(g(v)).epsilon(1e-14));
    CHECK(x.grad()[i] == doctest::Approx((g(v + 1e-6) - g(v - 1e-6)) / 2e-6).epsilon(1e-7));
  }
  CHECK(parse_activation("gelu") == Activation::Gelu);
  CHECK(parse_activation("swish") == Activation::Silu);
  CHECK_THROWS_WITH_AS(parse_activation("mish"),
                       doctest::Contains("unknown activation 'mish'"), std::invalid_argument);
}

TEST_CASE("LayerNorm normalises rows and its gradients match finite differences") {
  LayerNorm<double> norm(5);
  // Make the affine part non-trivial so its gradients are exercised.
  const Tensor<double> gamma = random_tensor<double>(Shape{5}, 11), beta = random_tensor<double>(Shape{5}, 12);
  const Tensor<double> x = random_tensor<double>(Shape{4, 5}, 13);
  {
    Tape<double> tape;
    Var<double> y = norm(tape, tape.constant(x));  // weight 1, bias 0: mean 0, variance 1 - eps
    for (index_t r = 0; r < 4; ++r) {
      double m = 0, v = 0, mx = 0, vx = 0;
      for (index_t c = 0; c < 5; ++c) m += y(r, c) / 5, mx += x(r, c) / 5;
      for (index_t c = 0; c < 5; ++c) v += (y(r, c) - m) * (y(r, c) - m) / 5, vx += (x(r, c) - mx) * (x(r, c) - mx) / 5;
      CHECK(m == doctest::Approx(0).scale(1).epsilon(1e-12));
      CHECK(v == doctest::Approx(vx / (vx + 1e-5)).epsilon(1e-12));
    }
  }
  norm.weight.value = gamma;
  norm.bias.value = beta;
  test::check_parameter_gradients(norm, [&](Tape<double>& t) { return norm(t, t.constant(x)); });
  // The input gradient too (LayerNorm's backward through mean and variance is the tricky part).
  Tape<double> tape;
  Var<double> xv = tape.variable(x);
  const Tensor<double> w = random_tensor<double>(Shape{4, 5}, 14);
  tape.backward(sum(norm(tape, xv) * tape.constant(w)));
  for (index_t i = 0; i < x.numel(); ++i) {
    auto at = [&](double d) {
      Tensor<double> xp = x;
      xp[i] += d;
      Tape<double> t;
      return sum(norm(t, t.constant(xp)) * t.constant(w)).item();
    };
    CHECK(xv.grad()[i] == doctest::Approx((at(1e-6) - at(-1e-6)) / 2e-6).epsilon(1e-6));
  }
}

TEST_CASE("Embedding gathers rows, accumulates repeated rows, and checks indices") {
  Philox rng(15);
  Embedding<double> emb(6, 3, rng);
  const std::vector<std::int32_t> idx = {4, 0, 4, 2, 5};
  Tape<double> tape;
  Var<double> y = emb(tape, idx);
  REQUIRE(y.shape() == Shape{5, 3});
  for (index_t r = 0; r < 5; ++r)
    for (index_t c = 0; c < 3; ++c) CHECK(y(r, c) == emb.weight.value(idx[static_cast<std::size_t>(r)], c));
  test::check_parameter_gradients(emb, [&](Tape<double>& t) { return emb(t, idx); });
  const std::vector<std::int32_t> bad = {1, 6};
  CHECK_THROWS_WITH_AS(emb(tape, bad), "Embedding(6, 3): index 6 at position 1 is out of range [0, 6)", ShapeError);
}

TEST_CASE("Residual adds its block, names it, and its gradients match finite differences") {
  Philox rng(16);
  Residual<MLP<double>> res(std::vector<index_t>{4, 8, 4}, rng, MLPOptions{.activation = Activation::Tanh});
  const auto params = res.parameters();
  REQUIRE(params.size() == 4);
  CHECK(params[0].name == "block.layers.0.weight");
  CHECK(params[3].name == "block.layers.1.bias");
  const Tensor<double> x = random_tensor<double>(Shape{3, 4}, 17);
  Tape<double> tape;
  Var<double> xv = tape.constant(x);
  Var<double> y = res(tape, xv), fx = res.block(tape, xv);
  for (index_t i = 0; i < x.numel(); ++i) CHECK(y[i] == doctest::Approx(x[i] + fx[i]).epsilon(1e-14));
  test::check_parameter_gradients(res, [&](Tape<double>& t) { return res(t, t.constant(x)); });
  Residual<Linear<double>> widening(4, 5, rng);
  CHECK_THROWS_AS(widening(tape, xv), ShapeError);
}
