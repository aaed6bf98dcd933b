// Mini-batching and shuffling (every sample exactly once per epoch, order a pure function of
// (seed, epoch)), and Dropout (mask statistics, determinism, identity in evaluation).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "autodiff/ops.hpp"
#include "nn/batches.hpp"
#include "nn/dropout.hpp"
#include "nn/progress.hpp"
#include "nn/shuffle.hpp"

using namespace dg;
using namespace dg::nn;

namespace {
// x (N, 2) = (i, -i), y (N,) = 10 i: each row names its sample.
struct Data {
  Tensor<float> x, y;
  explicit Data(index_t n) : x(Shape{n, 2}), y(Shape{n}) {
    for (index_t i = 0; i < n; ++i) x(i, 0) = float(i), x(i, 1) = -float(i), y[i] = 10.0f * float(i);
  }
};
}  // namespace

TEST_CASE("every epoch visits each sample once, rows stay paired, the tail batch is smaller") {
  Data d(23);
  MiniBatches<float> batches(d.x, d.y, 5, 77);
  CHECK(batches.batch_count() == 5);
  std::vector<std::vector<int>> orders;
  for (int epoch = 0; epoch < 3; ++epoch) {
    batches.start_epoch(epoch);
    std::vector<int> seen;
    for (index_t b = 0; b < batches.batch_count(); ++b) {
      auto batch = batches.batch(b);
      CHECK(batch.size == (b < 4 ? 5 : 3));
      CHECK(batch.inputs.shape() == Shape{batch.size, 2});
      CHECK(batch.targets.shape() == Shape{batch.size});
      for (index_t r = 0; r < batch.size; ++r) {
        const float i = batch.inputs(r, 0);
        CHECK(batch.inputs(r, 1) == -i);
        CHECK(batch.targets[r] == 10 * i);
        seen.push_back(int(i));
      }
    }
    orders.push_back(seen);
    std::sort(seen.begin(), seen.end());
    std::vector<int> all(23);
    std::iota(all.begin(), all.end(), 0);
    CHECK(seen == all);
  }
  CHECK(orders[0] != orders[1]);  // epochs are shuffled differently
  // Epoch 1's order depends only on (seed, epoch): a fresh loader starting at epoch 1 agrees.
  MiniBatches<float> again(d.x, d.y, 5, 77);
  again.start_epoch(1);
  CHECK(std::vector<int>(again.order().begin(), again.order().end()) == orders[1]);
  // drop_last and no shuffling.
  MiniBatches<float> plain(d.x, d.y, 5, 77, {.shuffle = false, .drop_last = true});
  CHECK(plain.batch_count() == 4);
  plain.start_epoch(3);
  CHECK(plain.batch(1).inputs(0, 0) == 5.0f);
  CHECK_THROWS_AS(plain.batch(4), std::out_of_range);
  CHECK_THROWS_AS(MiniBatches<float>(d.x, Tensor<float>(Shape{22}), 5, 1), ShapeError);
  CHECK_THROWS_AS(MiniBatches<float>(d.x, d.y, 0, 1), std::invalid_argument);
}

TEST_CASE("shuffling is uniform: each item lands in each position about equally often") {
  const int n = 5, trials = 20000;
  std::vector<std::vector<int>> count(n, std::vector<int>(n, 0));
  Philox rng(3);
  for (int t = 0; t < trials; ++t) {
    int items[n] = {0, 1, 2, 3, 4};
    shuffle(std::span<int>(items), rng);
    for (int pos = 0; pos < n; ++pos) ++count[std::size_t(items[pos])][std::size_t(pos)];
  }
  // Expected trials / n = 4000 per cell, standard deviation ~ 57: allow 5 sigma.
  for (auto& row : count)
    for (int c : row) CHECK(std::abs(c - trials / n) < 290);
}

TEST_CASE_TEMPLATE("Dropout keeps about 1 - p of the elements, scaled, reproducibly", T, float, double) {
  const double p = 0.3;
  const index_t n = 20000;
  Dropout<T> drop(p, 12);
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>::full(Shape{n / 4, 4}, T(2)));
  Var<T> y = drop(tape, x);
  index_t kept = 0;
  for (index_t i = 0; i < n; ++i) {
    if (y[i] != 0) {
      ++kept;
      REQUIRE(double(y[i]) == doctest::Approx(2 / (1 - p)));
    }
  }
  // Binomial(n, 0.7): standard deviation sqrt(n 0.21) ~ 65; allow 5 sigma.
  CHECK(std::abs(double(kept) - 0.7 * n) < 5 * std::sqrt(n * p * (1 - p)));
  // The gradient is the mask: 1 / (1 - p) where kept, 0 elsewhere.
  tape.backward(sum(y));
  for (index_t i = 0; i < n; i += 97) CHECK(double(x.grad()[i]) == doctest::Approx(y[i] == 0 ? 0.0 : 1 / (1 - p)));
  // The next call draws a new mask; a fresh Dropout with the same seed repeats the sequence.
  Var<T> y2 = drop(tape, x);
  Dropout<T> replay(p, 12);
  Var<T> r1 = replay(tape, x), r2 = replay(tape, x);
  CHECK(std::equal(y.data(), y.data() + n, r1.data()));
  CHECK(std::equal(y2.data(), y2.data() + n, r2.data()));
  CHECK(!std::equal(y.data(), y.data() + n, y2.data()));
  // Evaluation mode is the identity (same node).
  drop.eval();
  CHECK(drop(tape, x).id == x.id);
  // p = 1 drops everything; p outside [0, 1] is refused.
  drop.train();
  Dropout<T> all(1.0, 1);
  Var<T> z = all(tape, x);
  CHECK(std::all_of(z.data(), z.data() + n, [](T v) { return v == 0; }));
  CHECK_THROWS_AS(Dropout<T>(1.5, 1), std::invalid_argument);
}

TEST_CASE("the progress line formats durations and stays silent off a terminal") {
  char buf[32];
  ProgressLine::format_duration(42.4, buf, sizeof buf);
  CHECK(std::string(buf) == "42s");
  ProgressLine::format_duration(185, buf, sizeof buf);
  CHECK(std::string(buf) == "3m05s");
  ProgressLine::format_duration(3720, buf, sizeof buf);
  CHECK(std::string(buf) == "1h02m");
  ProgressLine::format_duration(std::nan(""), buf, sizeof buf);
  CHECK(std::string(buf) == "?");
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    ProgressLine line(false, f);  // a file is not a terminal
    CHECK(!line.enabled());
    line.update(1, 2, 10, 20, 0.5);
  }
  CHECK(std::ftell(f) == 0);
  std::fclose(f);
  CHECK(!ProgressLine(true).enabled());
}
