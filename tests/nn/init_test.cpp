// Initialisers: sample mean / variance / bounds against the distributions' closed forms, seed
// reproducibility (same seed same bits, different seed different bits), and bad settings.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "nn/init.hpp"
#include "nn/linear.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

struct Stats {
  double mean = 0, var = 0, lo = 1e300, hi = -1e300;
};

template <class T>
Stats stats(const Tensor<T>& t) {
  Stats s;
  for (index_t i = 0; i < t.numel(); ++i) s.mean += t[i], s.lo = std::min<double>(s.lo, t[i]), s.hi = std::max<double>(s.hi, t[i]);
  s.mean /= double(t.numel());
  for (index_t i = 0; i < t.numel(); ++i) s.var += (t[i] - s.mean) * (t[i] - s.mean);
  s.var /= double(t.numel() - 1);
  return s;
}

// Checks a sample of n draws: mean within 5 standard errors of 0, variance within 5% of var.
void check_moments(const Stats& s, double var, index_t n) {
  CHECK(std::abs(s.mean) < 5 * std::sqrt(var / double(n)));
  CHECK(s.var == doctest::Approx(var).epsilon(0.05));
}

}  // namespace

TEST_CASE_TEMPLATE("fan-scaled initialisers have the documented variance and bounds", T, float, double) {
  const index_t fan_in = 200, fan_out = 100;  // a (200, 100) weight: 20000 draws
  Philox rng(42);
  Tensor<T> w(Shape{fan_in, fan_out});

  initialize(w, Init::xavier_uniform(2.0), rng);
  double bound = 2.0 * std::sqrt(6.0 / 300.0);
  Stats s = stats(w);
  CHECK(s.lo >= -bound);
  CHECK(s.hi <= bound);
  CHECK(s.hi > 0.99 * bound);  // the range is used
  check_moments(s, bound * bound / 3, w.numel());

  initialize(w, Init::xavier_normal(), rng);
  check_moments(stats(w), 2.0 / 300.0, w.numel());

  initialize(w, Init::kaiming_uniform(), rng);  // gain sqrt(2), fan_in
  bound = std::sqrt(2.0) * std::sqrt(3.0 / 200.0);
  s = stats(w);
  CHECK(s.lo >= -bound);
  CHECK(s.hi <= bound);
  check_moments(s, 2.0 / 200.0, w.numel());

  initialize(w, Init::kaiming_normal(1.0, FanMode::FanOut), rng);
  check_moments(stats(w), 1.0 / 100.0, w.numel());

  initialize(w, Init::torch_linear(), rng);
  s = stats(w);
  CHECK(s.hi <= 1 / std::sqrt(200.0));
  check_moments(s, 1.0 / (3 * 200.0), w.numel());

  initialize(w, Init::normal(0, 0.3), rng);
  check_moments(stats(w), 0.09, w.numel());

  initialize(w, Init::uniform(-0.5, 1.5), rng);
  s = stats(w);
  CHECK(s.lo >= -0.5);
  CHECK(s.hi <= 1.5);
  CHECK(s.mean == doctest::Approx(0.5).epsilon(0.02));

  initialize(w, Init::constant(0.25), rng);
  CHECK(stats(w).lo == 0.25);
  CHECK(stats(w).hi == 0.25);
  initialize(w, Init::zeros(), rng);
  CHECK(stats(w).hi == 0.0);
}

TEST_CASE("the same seed gives the same weights; another seed different ones") {
  auto draw = [](std::uint64_t seed) {
    Philox rng(seed);
    Linear<float> lin(16, 8, rng, {.weight_init = Init::xavier_normal()});
    return lin.weight.value.to_vector();
  };
  CHECK(draw(5) == draw(5));
  CHECK(draw(5) != draw(6));
  // Float weights are the double draws rounded: the precision does not change the stream.
  Philox r1(9), r2(9);
  Tensor<float> wf(Shape{4, 4});
  Tensor<double> wd(Shape{4, 4});
  initialize(wf, Init::kaiming_uniform(), r1);
  initialize(wd, Init::kaiming_uniform(), r2);
  for (index_t i = 0; i < 16; ++i) CHECK(wf[i] == static_cast<float>(wd[i]));
}

TEST_CASE("impossible initialiser settings are named") {
  Philox rng(1);
  Tensor<double> w(Shape{2, 2});
  CHECK_THROWS_WITH_AS(initialize(w, Init::normal(0, -1), rng), "initialize normal(mean=0, std=-1): negative std",
                       std::invalid_argument);
  CHECK_THROWS_AS(initialize(w, Init::uniform(1, 0), rng), std::invalid_argument);
  CHECK_THROWS_AS(initialize(w, Init::xavier_uniform(std::nan("")), rng), std::invalid_argument);
  CHECK_THROWS_AS(initialize(w, Init::kaiming_normal(), rng, 0, 2), std::invalid_argument);
}
