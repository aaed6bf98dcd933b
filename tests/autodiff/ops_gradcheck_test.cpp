// Every op of the tape against central finite differences: first derivatives (numeric backward and
// recorded backward) and Hessian-vector products through the recorded backward, for float and double,
// over random shapes. Kinks (relu, abs, clamp) are avoided by drawing inputs away from them.
#include <doctest/doctest.h>

#include <random>

#include "tests/autodiff/gradcheck.hpp"

using namespace dg;
using dg::test::away_from;
using dg::test::gradcheck;
using dg::test::InputSpec;

namespace {

// A random matrix shape with 1..6 rows and columns (fixed per seed).
Shape random_shape(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> d(1, 6);
  return Shape{d(rng), d(rng)};
}

std::vector<std::int32_t> random_index(std::mt19937_64& rng, index_t n, index_t range) {
  std::uniform_int_distribution<std::int32_t> d(0, static_cast<std::int32_t>(range - 1));
  std::vector<std::int32_t> idx(static_cast<std::size_t>(n));
  for (auto& i : idx) i = d(rng);
  return idx;
}

}  // namespace

TEST_CASE_TEMPLATE("unary ops match finite differences", T, float, double) {
  std::mt19937_64 rng(7);
  for (int rep = 0; rep < 3; ++rep) {
    const Shape s = random_shape(rng);
    const InputSpec any{s};
    const InputSpec positive{s, 0.3, 2.0};
    const InputSpec no_zero{s, -1.5, 1.5, away_from({0.0})};
    gradcheck<T>("neg", [](auto&, auto& x) { return neg(x[0]); }, {any});
    gradcheck<T>("exp", [](auto&, auto& x) { return exp(x[0]); }, {any});
    gradcheck<T>("log", [](auto&, auto& x) { return log(x[0]); }, {positive});
    gradcheck<T>("sqrt", [](auto&, auto& x) { return sqrt(x[0]); }, {positive});
    gradcheck<T>("square", [](auto&, auto& x) { return square(x[0]); }, {any});
    gradcheck<T>("abs", [](auto&, auto& x) { return abs(x[0]); }, {no_zero});
    gradcheck<T>("tanh", [](auto&, auto& x) { return tanh(x[0]); }, {any});
    gradcheck<T>("sigmoid", [](auto&, auto& x) { return sigmoid(x[0]); }, {InputSpec{s, -4, 4}});
    gradcheck<T>("relu", [](auto&, auto& x) { return relu(x[0]); }, {no_zero});
    gradcheck<T>("silu", [](auto&, auto& x) { return silu(x[0]); }, {InputSpec{s, -4, 4}});
    gradcheck<T>("softplus", [](auto&, auto& x) { return softplus(x[0]); }, {InputSpec{s, -4, 4}});
    gradcheck<T>("sin", [](auto&, auto& x) { return sin(x[0]); }, {any});
    gradcheck<T>("cos", [](auto&, auto& x) { return cos(x[0]); }, {any});
    gradcheck<T>("pow 2.5", [](auto&, auto& x) { return pow(x[0], 2.5); }, {positive});
    gradcheck<T>("pow -1.5", [](auto&, auto& x) { return pow(x[0], -1.5); }, {positive});
    gradcheck<T>("pow 3 (negative base)", [](auto&, auto& x) { return pow(x[0], 3.0); }, {any});
    gradcheck<T>("pow -1 (the reciprocal path)", [](auto&, auto& x) { return pow(x[0], -1.0); }, {positive});
    gradcheck<T>("pow 2 (the square path)", [](auto&, auto& x) { return pow(x[0], 2.0); }, {any});
    gradcheck<T>("clamp", [](auto&, auto& x) { return clamp(x[0], -0.5, 0.7); }, {InputSpec{s, -1.5, 1.5, away_from({-0.5, 0.7})}});
    gradcheck<T>("scale", [](auto&, auto& x) { return scale(x[0], -2.5); }, {any});
    gradcheck<T>("add_scalar", [](auto&, auto& x) { return add_scalar(x[0], 0.75); }, {any});
    gradcheck<T>("operators with scalars", [](auto&, auto& x) { return 2.0 - (x[0] * 3.0 + 1.0) / 4.0; }, {any});
  }
}

TEST_CASE_TEMPLATE("binary ops with broadcasting match finite differences", T, float, double) {
  const std::vector<std::pair<Shape, Shape>> pairs = {
      {Shape{3, 4}, Shape{3, 4}}, {Shape{3, 4}, Shape{4}},    {Shape{3, 4}, Shape{1, 4}},
      {Shape{3, 4}, Shape{3, 1}}, {Shape{3, 4}, Shape{}},     {Shape{}, Shape{3, 4}},
      {Shape{3, 1}, Shape{1, 4}}, {Shape{2, 3, 4}, Shape{3, 4}}, {Shape{2, 1, 4}, Shape{2, 3, 1}},
      {Shape{5}, Shape{5}},
  };
  for (const auto& [sa, sb] : pairs) {
    CAPTURE(sa.str());
    CAPTURE(sb.str());
    gradcheck<T>("add", [](auto&, auto& x) { return x[0] + x[1]; }, {InputSpec{sa}, InputSpec{sb}});
    gradcheck<T>("sub", [](auto&, auto& x) { return x[0] - x[1]; }, {InputSpec{sa}, InputSpec{sb}});
    gradcheck<T>("mul", [](auto&, auto& x) { return x[0] * x[1]; }, {InputSpec{sa}, InputSpec{sb}});
    gradcheck<T>("div", [](auto&, auto& x) { return x[0] / x[1]; }, {InputSpec{sa}, InputSpec{sb, 0.5, 2.0}});
  }
  // The same input on both sides (gradients from both operands add up).
  gradcheck<T>("x * x", [](auto&, auto& x) { return x[0] * x[0]; }, {InputSpec{Shape{3, 3}}});
  // Large enough to take the parallel chunked reduction of a broadcast operand.
  gradcheck<T>("big bias add", [](auto&, auto& x) { return tanh(x[0] + x[1]); },
               {InputSpec{Shape{3000, 17}}, InputSpec{Shape{17}}}, 3, true, 16, 20.0);
}

TEST_CASE_TEMPLATE("matmul and transpose match finite differences", T, float, double) {
  std::mt19937_64 rng(11);
  for (int rep = 0; rep < 3; ++rep) {
    std::uniform_int_distribution<int> d(1, 6);
    const index_t m = d(rng), k = d(rng), n = d(rng);
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        const Shape sa = ta ? Shape{k, m} : Shape{m, k};
        const Shape sb = tb ? Shape{n, k} : Shape{k, n};
        gradcheck<T>("matmul", [ta, tb](auto&, auto& x) { return matmul(x[0], x[1], ta, tb); }, {InputSpec{sa}, InputSpec{sb}});
      }
    gradcheck<T>("transpose", [](auto&, auto& x) { return transpose(x[0]) * x[1]; },
                 {InputSpec{Shape{m, n}}, InputSpec{Shape{n, m}}});
  }
  // Row-blocked parallel path (m > 64).
  gradcheck<T>("big matmul", [](auto&, auto& x) { return matmul(tanh(x[0]), x[1]); },
               {InputSpec{Shape{300, 20}}, InputSpec{Shape{20, 30}}}, 5, true, 16, 20.0);
}

TEST_CASE_TEMPLATE("reductions and shape ops match finite differences", T, float, double) {
  const InputSpec m34{Shape{3, 4}};
  gradcheck<T>("sum", [](auto&, auto& x) { return sum(x[0] * x[0]); }, {m34});
  gradcheck<T>("sum axis 0", [](auto&, auto& x) { return sum(x[0] * x[0], 0); }, {m34});
  gradcheck<T>("sum axis 1", [](auto&, auto& x) { return sum(x[0] * x[0], 1); }, {m34});
  gradcheck<T>("mean", [](auto&, auto& x) { return mean(x[0] * x[0]); }, {m34});
  gradcheck<T>("mean axis 0", [](auto&, auto& x) { return mean(x[0] * x[0], 0); }, {m34});
  gradcheck<T>("mean axis 1", [](auto&, auto& x) { return mean(x[0] * x[0], 1); }, {m34});
  gradcheck<T>("sum_to rank 3", [](auto&, auto& x) { return sum_to(x[0] * x[0], Shape{2, 1, 4}); }, {InputSpec{Shape{2, 3, 4}}});
  gradcheck<T>("expand", [](auto&, auto& x) { return expand(x[0], Shape{3, 4}) * x[1]; }, {InputSpec{Shape{3, 1}}, m34});
  gradcheck<T>("reshape", [](auto&, auto& x) { return reshape(x[0], Shape{2, 6}) * reshape(x[0], Shape{2, 6}); }, {m34});
  gradcheck<T>("reshape rank 3", [](auto&, auto& x) { return sin(reshape(x[0], Shape{2, 2, 3})); }, {m34});
  gradcheck<T>("concat axis 0", [](auto&, auto& x) { return square(concat({x[0], x[1], x[0]}, 0)); },
               {InputSpec{Shape{2, 3}}, InputSpec{Shape{4, 3}}});
  gradcheck<T>("concat axis 1", [](auto&, auto& x) { return square(concat({x[0], x[1]}, 1)); },
               {InputSpec{Shape{3, 2}}, InputSpec{Shape{3, 5}}});
  gradcheck<T>("concat of 6 inputs", [](auto&, auto& x) { return square(concat({x[0], x[1], x[0], x[1], x[0], x[1]}, 1)); },
               {InputSpec{Shape{3, 2}}, InputSpec{Shape{3, 1}}});
  gradcheck<T>("slice axis 0", [](auto&, auto& x) { return square(slice(x[0], 0, 1, 3)); }, {InputSpec{Shape{5, 3}}});
  gradcheck<T>("slice axis 1", [](auto&, auto& x) { return square(slice(x[0], 1, 2, 2)); }, {InputSpec{Shape{3, 5}}});
  gradcheck<T>("pad axis 0", [](auto&, auto& x) { return square(pad(x[0], 0, 2, 6)); }, {InputSpec{Shape{3, 2}}});
  gradcheck<T>("pad axis 1", [](auto&, auto& x) { return square(pad(x[0], 1, 1, 4)); }, {InputSpec{Shape{3, 2}}});
}

TEST_CASE_TEMPLATE("row ops match finite differences", T, float, double) {
  std::mt19937_64 rng(3);
  const auto idx = random_index(rng, 9, 4);  // 9 rows gathered from 4, repeats included
  gradcheck<T>("gather_rows", [&](auto&, auto& x) { return square(gather_rows(x[0], idx)); }, {InputSpec{Shape{4, 3}}});
  const auto seg = random_index(rng, 9, 5);
  gradcheck<T>("scatter_add_rows", [&](auto&, auto& x) { return square(scatter_add_rows(x[0], seg, 5)); }, {InputSpec{Shape{9, 3}}});
  gradcheck<T>("segment_sum", [&](auto&, auto& x) { return square(segment_sum(x[0], seg, 6)); }, {InputSpec{Shape{9, 3}}});
  gradcheck<T>("segment_mean", [&](auto&, auto& x) { return square(segment_mean(x[0], seg, 6)); }, {InputSpec{Shape{9, 3}}});
  gradcheck<T>("row_dot", [](auto&, auto& x) { return square(row_dot(x[0], x[1])); }, {InputSpec{Shape{5, 3}}, InputSpec{Shape{5, 3}}});
  gradcheck<T>("row_norm", [](auto&, auto& x) { return square(row_norm(x[0])) + row_norm(x[0]); }, {InputSpec{Shape{5, 3}, 0.2, 1.5}});
  // Large scatter takes the parallel counting-sort path.
  const auto big = random_index(rng, 5000, 300);
  gradcheck<T>("big scatter", [&](auto&, auto& x) { return square(scatter_add_rows(x[0], big, 300)); },
               {InputSpec{Shape{5000, 8}}}, 9, true, 16, 20.0);  // large sums: FD rounding ~1e-6
}

TEST_CASE_TEMPLATE("fused linear matches finite differences for every activation", T, float, double) {
  for (Act act : kActs) {
    CAPTURE(act_name(act));
    // Relu: keep x W + b away from 0 by using positive inputs and a positive/negative split of W.
    const InputSpec xs{Shape{5, 3}, 0.2, 1.0}, ws{Shape{3, 4}, 0.2, 1.0}, bs{Shape{4}, -0.1, 0.1};
    gradcheck<T>("linear with bias", [act](auto&, auto& x) { return linear(x[0], x[1], x[2], act); }, {xs, ws, bs});
    gradcheck<T>("linear without bias", [act](auto&, auto& x) { return linear(x[0], x[1], std::decay_t<decltype(x[0])>{}, act); }, {xs, ws});
  }
  // Many rows: the row-blocked parallel path, and the bias reduction over chunks.
  gradcheck<T>("big linear", [](auto&, auto& x) { return linear(x[0], x[1], x[2], Act::Silu); },
               {InputSpec{Shape{700, 6}}, InputSpec{Shape{6, 5}}, InputSpec{Shape{5}}}, 4, true, 16, 20.0);
}

TEST_CASE_TEMPLATE("pair_linear matches finite differences for every activation", T, float, double) {
  const std::vector<std::int32_t> first{0, 2, 1, 3, 3, 0, 2}, second{1, 0, 0, 2, 1, 4, 4};  // 4 and 5 rows
  for (Act act : kActs) {
    CAPTURE(act_name(act));
    // Relu: positive p, q, a and W keep the pre-activation away from the kink at 0.
    const InputSpec ps{Shape{4, 3}, 0.2, 1.0}, qs{Shape{5, 3}, 0.2, 1.0}, as{Shape{7, 2}, 0.2, 1.0}, ws{Shape{2, 3}, 0.2, 1.0};
    gradcheck<T>("pair_linear with a W", [&](auto&, auto& x) { return pair_linear(x[0], first, x[1], second, x[2], x[3], act); },
                 {ps, qs, as, ws});
    gradcheck<T>("pair_linear without a W", [&](auto&, auto& x) {
      return pair_linear(x[0], first, x[1], second, std::decay_t<decltype(x[0])>{}, std::decay_t<decltype(x[0])>{}, act);
    }, {ps, qs});
  }
  // Many pairs: parallel blocks, the counting-sort scatter and the split weight gradient.
  std::mt19937_64 rng(12);
  const auto big_first = random_index(rng, 3000, 200), big_second = random_index(rng, 3000, 150);
  gradcheck<T>("big pair_linear", [&](auto&, auto& x) { return pair_linear(x[0], big_first, x[1], big_second, x[2], x[3], Act::Silu); },
               {InputSpec{Shape{200, 16}}, InputSpec{Shape{150, 16}}, InputSpec{Shape{3000, 2}}, InputSpec{Shape{2, 16}}}, 4,
               true, 16, 20.0);
}

TEST_CASE_TEMPLATE("a weight gradient split along a long inner dimension matches finite differences", T, float, double) {
  // x^T g with x (1200, 8): 8 output rows, too few to share out, so the product is cut into
  // fixed slices of the 1200 rows whose partial products are summed in order.
  gradcheck<T>("matmul, long inner dimension", [](auto&, auto& x) { return square(matmul(x[0], x[1])); },
               {InputSpec{Shape{1200, 8}}, InputSpec{Shape{8, 6}}}, 4, true, 16, 20.0);
}

TEST_CASE("pair_linear equals the unfused ops and checks its inputs") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> n01;
  Tensor<double> p(Shape{4, 3}), q(Shape{6, 3}), a(Shape{5, 2}), w(Shape{2, 3});
  for (Tensor<double>* t : {&p, &q, &a, &w})
    for (index_t i = 0; i < t->numel(); ++i) (*t)[i] = n01(rng);
  const std::vector<std::int32_t> first{3, 0, 1, 1, 2}, second{5, 4, 0, 2, 2};
  Tape<double> tape;
  Var<double> vp = tape.constant(p), vq = tape.constant(q), va = tape.constant(a), vw = tape.constant(w);
  Var<double> fused = pair_linear(vp, first, vq, second, va, vw, Act::Tanh);
  Var<double> plain = tanh(gather_rows(vp, first) + gather_rows(vq, second) + matmul(va, vw));
  REQUIRE(fused.shape() == plain.shape());
  for (index_t i = 0; i < fused.numel(); ++i) CHECK(fused[i] == doctest::Approx(plain[i]).epsilon(1e-14));
  const Var<double> none{};
  CHECK_THROWS_WITH_AS(pair_linear(vp, first, vq, std::vector<std::int32_t>{0, 1}, none, none),
                       "pair_linear: 5 first indices but 2 second indices", ShapeError);
  CHECK_THROWS_WITH_AS(pair_linear(vp, std::vector<std::int32_t>{4}, vq, std::vector<std::int32_t>{0}, none, none),
                       "pair_linear: index 4 at position 0 is out of range for 4 rows", ShapeError);
  CHECK_THROWS_WITH_AS(pair_linear(vp, first, tape.constant(Tensor<double>(Shape{6, 2})), second, none, none),
                       "pair_linear: p and q differ in width (shapes (4, 3) and (6, 2))", ShapeError);
  CHECK_THROWS_WITH_AS(pair_linear(vp, first, vq, second, va, none), "pair_linear: give both the pair inputs a and their weight W, or neither",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(pair_linear(vp, first, vq, second, tape.constant(Tensor<double>(Shape{4, 2})), vw),
                       "pair_linear: a needs one row per pair (5) (shape (4, 2))", ShapeError);
  CHECK_THROWS_WITH_AS(pair_linear(vp, first, vq, second, va, tape.constant(Tensor<double>(Shape{2, 4}))),
                       "pair_linear: W must be (a's columns, p's width) (shapes (5, 2) and (2, 4))", ShapeError);
}

TEST_CASE("fused linear equals the unfused ops") {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> n01;
  Tensor<double> x(Shape{9, 4}), w(Shape{4, 3}), b(Shape{3});
  for (Tensor<double>* t : {&x, &w, &b})
    for (index_t i = 0; i < t->numel(); ++i) (*t)[i] = n01(rng);
  Tape<double> tape;
  Var<double> vx = tape.constant(x), vw = tape.constant(w), vb = tape.constant(b);
  Var<double> fused = linear(vx, vw, vb, Act::Tanh);
  Var<double> plain = tanh(matmul(vx, vw) + vb);
  for (index_t i = 0; i < fused.numel(); ++i) CHECK(fused[i] == doctest::Approx(plain[i]).epsilon(1e-14));
  CHECK_THROWS_WITH_AS(linear(vx, tape.constant(Tensor<double>(Shape{3, 3})), vb), "linear: inner dimensions differ (shapes (9, 4) and (3, 3))", ShapeError);
}
