// Neural-field layers: Fourier features against their formula and saved as a buffer; SIREN
// initialisation bounds and forward formula; FiLM changes the output with the code and passes
// gradients into it; finite-difference gradients of every layer (parameters and inputs); errors.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/field/neural_field.hpp"
#include "tests/nn/graph_test_helpers.hpp"
#include "tests/nn/param_gradcheck.hpp"

using namespace dg;
using namespace dg::nn;


TEST_CASE_TEMPLATE("FourierFeatures compute [sin(2 pi x B), cos(2 pi x B)] with B ~ N(0, sigma^2)", T, float, double) {
  Philox rng(4);
  FourierFeatures<T> ff(3, rng, {.frequencies = 400, .sigma = 2.5, .include_input = true});
  REQUIRE(ff.B.shape() == Shape{3, 400});
  CHECK(ff.out_features() == 803);
  // B's sample standard deviation is sigma (1200 draws: within 10%).
  double sq = 0;
  for (index_t i = 0; i < ff.B.numel(); ++i) sq += double(ff.B[i]) * double(ff.B[i]);
  CHECK(std::sqrt(sq / double(ff.B.numel())) == doctest::Approx(2.5).epsilon(0.1));
  // The same seed gives the same B; B is a buffer, not a parameter.
  Philox again(4);
  FourierFeatures<T> ff2(3, again, {.frequencies = 400, .sigma = 2.5});
  for (index_t i = 0; i < ff.B.numel(); ++i) CHECK(ff.B[i] == ff2.B[i]);
  CHECK(ff.parameter_count() == 0);
  REQUIRE(ff.buffers().size() == 1);
  CHECK(ff.buffers()[0].name == "B");

  const Tensor<T> x = test::uniform_tensor<T>(Shape{5, 3}, 1);
  Tape<T> tape;
  Var<T> y = ff(tape, tape.constant(x));
  REQUIRE(y.shape() == Shape{5, 803});
  const double tol = std::is_same_v<T, float> ? 2e-4 : 1e-12;  // float: sin of arguments up to ~50
  for (index_t r = 0; r < 5; ++r)
    for (index_t f = 0; f < 400; f += 7) {
      double z = 0;
      for (index_t k = 0; k < 3; ++k) z += 2 * std::numbers::pi * double(x(r, k)) * double(ff.B(k, f));
      CHECK(double(y(r, f)) == doctest::Approx(std::sin(z)).epsilon(tol).scale(1));
      CHECK(double(y(r, 400 + f)) == doctest::Approx(std::cos(z)).epsilon(tol).scale(1));
    }
  for (index_t r = 0; r < 5; ++r)
    for (index_t k = 0; k < 3; ++k) CHECK(y(r, 800 + k) == x(r, k));
}

TEST_CASE_TEMPLATE("SineLayer: SIREN initialisation bounds and y = sin(omega_0 (x W + b))", T, float, double) {
  Philox rng(2);
  SineLayer<T> first(4, 50, rng, true), hidden(50, 40, rng, false, 30.0);
  for (index_t i = 0; i < first.linear.weight.value.numel(); ++i) CHECK(std::abs(double(first.linear.weight.value[i])) <= 0.25);
  const double bound = std::sqrt(6.0 / 50.0) / 30.0;
  double largest = 0;
  for (index_t i = 0; i < hidden.linear.weight.value.numel(); ++i)
    largest = std::max(largest, std::abs(double(hidden.linear.weight.value[i])));
  CHECK(largest <= bound);
  CHECK(largest > 0.9 * bound);  // 2000 draws reach near the bound
  const Tensor<T> x = test::uniform_tensor<T>(Shape{3, 4}, 5);
  Tape<T> tape;
  Var<T> y = first(tape, tape.constant(x));
  for (index_t r = 0; r < 3; ++r)
    for (index_t c = 0; c < 50; ++c) {
      double z = first.linear.bias.value[c];
      for (index_t k = 0; k < 4; ++k) z += double(x(r, k)) * double(first.linear.weight.value(k, c));
      CHECK(double(y(r, c)) == doctest::Approx(std::sin(30.0 * z)).epsilon(1e-5).scale(1));
    }
}

TEST_CASE("field layers: gradients match finite differences (parameters and inputs)") {
  const Tensor<double> x = test::uniform_tensor<double>(Shape{6, 2}, 3, -0.8, 0.8);
  const Tensor<double> code = test::uniform_tensor<double>(Shape{6, 3}, 4);
  SUBCASE("FourierFeatures (input only: B is fixed)") {
    Philox rng(1);
    FourierFeatures<double> ff(2, rng, {.frequencies = 5, .sigma = 0.7, .include_input = true});
    test::check_input_gradient(x, [&](Tape<double>& t, Var<double> v) { return ff(t, v); });
  }
  SUBCASE("SineLayer, first and hidden, plain and modulated") {
    Philox rng(2);
    for (bool is_first : {true, false}) {
      CAPTURE(is_first);
      SineLayer<double> layer(2, 4, rng, is_first, 30.0);
      const Tensor<double> gamma = test::uniform_tensor<double>(Shape{6, 4}, 8, 0.5, 1.5);
      const Tensor<double> beta = test::uniform_tensor<double>(Shape{1, 4}, 9);
      test::check_parameter_gradients(layer, [&](Tape<double>& t) { return layer(t, t.constant(x)); });
      test::check_input_gradient(x, [&](Tape<double>& t, Var<double> v) { return layer(t, v); });
      test::check_input_gradient(x, [&](Tape<double>& t, Var<double> v) {
        return layer.forward(t, v, t.constant(gamma), t.constant(beta));
      });
    }
  }
  SUBCASE("FiLM (parameters and code)") {
    Philox rng(3);
    FiLM<double> film(3, {4, 2}, rng, 5);
    const Tensor<double> y = test::uniform_tensor<double>(Shape{6, 4}, 10);
    auto modulated = [&](Tape<double>& t, Var<double> z) {
      std::vector<Modulation<double>> m = film.forward(t, z);
      return concat({FiLM<double>::apply(t.constant(y), m[0]), m[1].gamma, m[1].beta}, 1);
    };
    test::check_parameter_gradients(film, [&](Tape<double>& t) { return modulated(t, t.constant(code)); });
    test::check_input_gradient(code, modulated);
  }
  SUBCASE("NeuralField, each encoding, with time and code") {
    const Tensor<double> time = test::uniform_tensor<double>(Shape{6, 1}, 11);
    for (FieldEncoding enc : {FieldEncoding::None, FieldEncoding::Fourier, FieldEncoding::Siren}) {
      const std::string encoding = field_encoding_name(enc);
      CAPTURE(encoding);
      Philox rng(4);
      NeuralField<double> field({.in_dim = 2, .out_dim = 3, .encoding = enc, .fourier_features = 4, .sigma = 0.5,
                                 .hidden = {5, 4}, .time = true, .code_dim = 3, .input_scale = 0.7},
                                rng);
      auto f = [&](Tape<double>& t, Var<double> vx, Var<double> vt, Var<double> vz) { return field.forward(t, vx, vt, vz); };
      test::check_parameter_gradients(field, [&](Tape<double>& t) {
        return f(t, t.constant(x), t.constant(time), t.constant(code));
      });
      test::check_input_gradient(x, [&](Tape<double>& t, Var<double> v) { return f(t, v, t.constant(time), t.constant(code)); });
      test::check_input_gradient(time, [&](Tape<double>& t, Var<double> v) { return f(t, t.constant(x), v, t.constant(code)); });
      test::check_input_gradient(code, [&](Tape<double>& t, Var<double> v) { return f(t, t.constant(x), t.constant(time), v); });
    }
  }
}

TEST_CASE_TEMPLATE("FiLM: the output follows the code, a shared code broadcasts, gradients reach the code", T, float,
                   double) {
  Philox rng(6);
  NeuralField<T> field({.in_dim = 2, .out_dim = 2, .hidden = {16, 16}, .code_dim = 4}, rng);
  const Tensor<T> x = test::uniform_tensor<T>(Shape{5, 2}, 1);
  const Tensor<T> z1 = test::uniform_tensor<T>(Shape{1, 4}, 2), z2 = test::uniform_tensor<T>(Shape{1, 4}, 3);
  Tensor<T> z1_rows(Shape{5, 4});  // z1 repeated on every row
  for (index_t r = 0; r < 5; ++r) std::copy(z1.data(), z1.data() + 4, z1_rows.data() + r * 4);
  auto run = [&](const Tensor<T>& z) {
    Tape<T> tape;
    return field.forward(tape, tape.constant(x), {}, tape.constant(z)).to_tensor();
  };
  const Tensor<T> y1 = run(z1), y2 = run(z2), y1_rows = run(z1_rows);
  CHECK(test::relative_difference(y1.data(), y2.data(), y1.numel()) > 1e-3);
  for (index_t i = 0; i < y1.numel(); ++i) CHECK(y1[i] == y1_rows[i]);
  // d output / d code is not zero (its values are checked by finite differences above).
  Tape<T> tape;
  Var<T> code = tape.variable(z1);
  tape.backward(sum(square(field.forward(tape, tape.constant(x), {}, code))));
  double norm = 0;
  for (index_t i = 0; i < 4; ++i) norm += std::abs(double(code.grad()[i]));
  CHECK(norm > 1e-4);
}

TEST_CASE("the Fourier matrix is saved and loaded with the model and never trained") {
  const std::string path = (std::filesystem::temp_directory_path() / "dg_field_checkpoint_test.npz").string();
  Philox rng_a(1), rng_b(2);
  NeuralField<float> a({.in_dim = 2, .out_dim = 3, .hidden = {8}}, rng_a), b({.in_dim = 2, .out_dim = 3, .hidden = {8}}, rng_b);
  REQUIRE(a.buffers().size() == 1);
  CHECK(a.buffers()[0].name == "fourier.B");
  // An optimiser with weight decay leaves B alone: it only sees parameters.
  const Tensor<float> B0 = a.fourier->B;
  AdamW<float> opt(a.parameters(), {.lr = 0.1, .weight_decay = 0.5});
  const Tensor<float> x = test::uniform_tensor<float>(Shape{4, 2}, 3);
  {
    Tape<float> tape;
    tape.backward(sum(a.forward(tape, tape.constant(x))));
    opt.step();
  }
  for (index_t i = 0; i < B0.numel(); ++i) CHECK(a.fourier->B[i] == B0[i]);
  // b (another seed, so another B) becomes a after loading a's checkpoint.
  save_checkpoint(path, a);
  CHECK(b.fourier->B[0] != a.fourier->B[0]);
  load_checkpoint(path, b);
  for (index_t i = 0; i < B0.numel(); ++i) CHECK(b.fourier->B[i] == B0[i]);
  Tape<float> tape;
  const Tensor<float> ya = a.forward(tape, tape.constant(x)).to_tensor(), yb = b.forward(tape, tape.constant(x)).to_tensor();
  for (index_t i = 0; i < ya.numel(); ++i) CHECK(ya[i] == yb[i]);
  // A model with another frequency count does not load it, and says why.
  Philox rng_c(3);
  NeuralField<float> c({.in_dim = 2, .out_dim = 3, .fourier_features = 8, .hidden = {8}}, rng_c);
  CHECK_THROWS_AS(load_checkpoint(path, c), CheckpointError);
  try {
    load_checkpoint(path, c);
  } catch (const CheckpointError& e) {
    CHECK(std::string(e.what()).find("buffer 'fourier.B' is float32 (2, 64), expected float32 (2, 8)") != std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST_CASE("neural fields reject impossible options and mis-shaped inputs, naming the problem") {
  Philox rng(1);
  CHECK_THROWS_WITH_AS(NeuralField<float>({.hidden = {}}, rng), "NeuralField: needs at least one hidden layer", std::invalid_argument);
  CHECK_THROWS_AS(NeuralField<float>({.sigma = 0}, rng), std::invalid_argument);
  CHECK_THROWS_AS(NeuralField<float>({.encoding = FieldEncoding::Siren, .omega_0 = -1}, rng), std::invalid_argument);
  CHECK_THROWS_AS(NeuralField<float>({.input_scale = 0}, rng), std::invalid_argument);
  CHECK_THROWS_AS(FourierFeatures<float>(2, rng, {.frequencies = 0}), std::invalid_argument);
  CHECK_THROWS_AS(FiLM<float>(0, {4}, rng), std::invalid_argument);

  NeuralField<float> field({.in_dim = 2, .out_dim = 1, .hidden = {4}, .time = true, .code_dim = 3}, rng);
  Tape<float> tape;
  Var<float> x = tape.zeros(Shape{5, 2}), t = tape.zeros(Shape{5, 1}), z = tape.zeros(Shape{1, 3});
  CHECK(field.forward(tape, x, t, z).shape() == Shape{5, 1});
  CHECK_THROWS_WITH_AS(field.forward(tape, tape.zeros(Shape{5, 3}), t, z),
                       "NeuralField(2 + t -> 1, fourier, hidden [4], code 3): positions x must be (N, 2), got (5, 3)", ShapeError);
  CHECK_THROWS_AS(field.forward(tape, x, {}, z), ShapeError);                       // time missing
  CHECK_THROWS_AS(field.forward(tape, x, t, {}), std::invalid_argument);            // code missing
  CHECK_THROWS_AS(field.forward(tape, x, t, tape.zeros(Shape{2, 3})), ShapeError);  // 2 codes for 5 rows
  CHECK_THROWS_AS(field.forward(tape, x, t, tape.zeros(Shape{5, 4})), ShapeError);  // code width
}
