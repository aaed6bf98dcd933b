// Tests of the counter-based generator (autodiff/random.hpp): the published known-answer vectors
// of Philox4x32, the distribution of uniforms and normals, and the engine's saved state.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <numeric>
#include <random>
#include <vector>

#include "autodiff/random.hpp"

using namespace dg;

static_assert(std::uniform_random_bit_generator<Philox>);

namespace {

struct KnownAnswer {
  int rounds;
  PhiloxWords counter;
  PhiloxKey key;
  PhiloxWords expected;
};

// Known-answer vectors of the reference implementation, Random123 (D. E. Shaw Research), file
// examples/kat_vectors, lines "philox4x32 7 ..." and "philox4x32 10 ...": counter (4 words),
// key (2 words), expected output (4 words).
constexpr KnownAnswer kKnownAnswers[] = {
    {7, {0x00000000, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000000},
     {0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}},
    {7, {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
     {0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662}},
    {7, {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
     {0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}},
    {10, {0x00000000, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000000},
     {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {10, {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {10, {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
};

}  // namespace

TEST_CASE("philox4x32 reproduces the Random123 known-answer vectors") {
  for (const KnownAnswer& kat : kKnownAnswers) {
    CAPTURE(kat.rounds);
    CHECK(philox4x32(kat.counter, kat.key, kat.rounds) == kat.expected);
  }
  // The default is 10 rounds, and it is usable at compile time.
  static_assert(philox4x32({0, 0, 0, 0}, {0, 0}) == PhiloxWords{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
}

TEST_CASE("philox_block lays out (seed, a, b, c) as key and counter") {
  const std::uint64_t seed = 0x299f31d0a4093822ull, a = 0x85a308d3243f6a88ull;
  CHECK(philox_block(seed, a, 0x13198a2e, 0x03707344) == kKnownAnswers[5].expected);
}

TEST_CASE("uniform01 stays inside (0, 1), including at the extreme words") {
  CHECK(words_to_open01(0, 0) > 0.0);
  CHECK(words_to_open01(0xffffffffu, 0xffffffffu) < 1.0);
  CHECK(words_to_open01(0, 0) == 0x1p-53);
  CHECK(words_to_open01(0xffffffffu, 0xffffffffu) == 1.0 - 0x1p-53);
  CHECK(std::isfinite(std::log(words_to_open01(0, 0))));
}

TEST_CASE("uniforms have mean 1/2 and variance 1/12") {
  const int n = 200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = uniform01(7, static_cast<std::uint64_t>(i), 3, 0);
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    s += u;
    s2 += u * u;
  }
  const double mean = s / n, var = s2 / n - mean * mean;
  // Standard errors: sqrt(1/12 / n) for the mean, sqrt((1/80 - 1/144) / n) for the variance.
  CHECK(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(var - 1.0 / 12) < 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));
}

TEST_CASE("a million normals have the moments of N(0, 1)") {
  const int n = 1000000;
  double m1 = 0, m2 = 0, m4 = 0;
  int beyond3 = 0;
  for (int i = 0; i < n / 2; ++i) {
    for (double z : normal_pair(12345, static_cast<std::uint64_t>(i), 0, 1)) {
      m1 += z;
      m2 += z * z;
      m4 += z * z * z * z;
      beyond3 += std::abs(z) > 3.0;
    }
  }
  m1 /= n;
  m2 /= n;
  m4 /= n;
  // Standard errors of the sample moments of N(0, 1): mean 1/sqrt(n), E z^2: sqrt(2/n),
  // E z^4: sqrt((105 - 9)/n); tolerance 5 standard errors.
  CHECK(std::abs(m1) < 5 / std::sqrt(double(n)));
  CHECK(std::abs(m2 - 1) < 5 * std::sqrt(2.0 / n));
  CHECK(std::abs(m4 - 3) < 5 * std::sqrt(96.0 / n));
  // P(|z| > 3) = 0.0026998 (erfc(3 / sqrt 2)); binomial standard error.
  const double p3 = std::erfc(3 / std::sqrt(2.0));
  CHECK(std::abs(double(beyond3) / n - p3) < 5 * std::sqrt(p3 * (1 - p3) / n));
}

TEST_CASE("normal(seed, a, b, c) is a pure function of its arguments") {
  CHECK(normal(1, 2, 3, 4) == normal(1, 2, 3, 4));
  CHECK(normal(1, 2, 3, 4) == normal_pair(1, 2, 3, 4)[0]);
  // Changing any one argument changes the value.
  const double z = normal(1, 2, 3, 4);
  CHECK(normal(2, 2, 3, 4) != z);
  CHECK(normal(1, 3, 3, 4) != z);
  CHECK(normal(1, 2, 4, 4) != z);
  CHECK(normal(1, 2, 3, 5) != z);
  CHECK(normal(1, 2ull << 32, 3, 4) != normal(1, 0, 3, 4));  // the high word of `a` counts
}

TEST_CASE("neighbouring counters are uncorrelated") {
  // Correlation of consecutive steps and of two particles at the same step; the standard error of
  // a sample correlation of independent variables is 1/sqrt(n).
  const int n = 100000;
  double c_step = 0, c_particle = 0;
  for (int i = 0; i < n; ++i) {
    const auto s = static_cast<std::uint64_t>(i);
    c_step += normal(99, s, 0, 0) * normal(99, s + 1, 0, 0);
    c_particle += normal(99, s, 0, 0) * normal(99, s, 1, 0);
  }
  CHECK(std::abs(c_step / n) < 5 / std::sqrt(double(n)));
  CHECK(std::abs(c_particle / n) < 5 / std::sqrt(double(n)));
}

TEST_CASE("the Philox engine walks the blocks of its (seed, stream)") {
  const std::uint64_t seed = 42, stream = (7ull << 32) | 5u;
  Philox rng(seed, stream);
  for (std::uint64_t block = 0; block < 3; ++block) {
    const PhiloxWords w = philox_block(seed, block, 5, 7);
    for (int k = 0; k < 4; ++k) CHECK(rng() == w[static_cast<std::size_t>(k)]);
  }
  CHECK(rng.state().position == 12);
}

TEST_CASE("the engine's state saves and restores its sequence") {
  Philox rng(2024, 3);
  for (int i = 0; i < 5; ++i) rng();  // an odd position, inside a block
  const Philox::State saved = rng.state();
  std::vector<std::uint32_t> first(10);
  for (auto& x : first) x = rng();
  const double z_first = rng.normal();

  Philox restored(saved);
  std::vector<std::uint32_t> second(10);
  for (auto& x : second) x = restored();
  CHECK(first == second);
  CHECK(restored.normal() == z_first);

  // set_state on a used engine drops its cached block; discard skips exactly.
  rng.set_state(saved);
  rng.discard(3);
  CHECK(rng() == first[3]);
}

TEST_CASE("the engine works with the standard library and is deterministic") {
  std::vector<int> a(50), b(50);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 0);
  Philox r1(11), r2(11);
  std::shuffle(a.begin(), a.end(), r1);
  std::shuffle(b.begin(), b.end(), r2);
  CHECK(a == b);
  CHECK(std::is_permutation(a.begin(), a.end(), b.begin()));
  CHECK(r1.state() == r2.state());

  // Different streams of one seed give different sequences.
  Philox s0(11, 0), s1(11, 1);
  int same = 0;
  for (int i = 0; i < 100; ++i) same += s0() == s1();
  CHECK(same < 3);

  // uniform(lo, hi) stays in its interval.
  Philox r(5);
  for (int i = 0; i < 1000; ++i) {
    const double x = r.uniform(-5, 5);
    REQUIRE(x > -5);
    REQUIRE(x < 5);
  }
}
