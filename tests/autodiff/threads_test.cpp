// Same inputs, same bits with 1 and 2 threads: a model's forward and backward, with sizes large
// enough to take every parallel path (row-blocked matmul, weight gradients split along the inner
// dimension, the fused linear and pair_linear, chunked broadcast reductions, counting-sort scatter).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"

using namespace dg;

namespace {

template <class T>
Tensor<T> random_tensor(Shape s, std::mt19937_64& rng, double scale = 1.0) {
  std::normal_distribution<double> n01;
  Tensor<T> t(s);
  for (index_t i = 0; i < t.numel(); ++i) t[i] = static_cast<T>(scale * n01(rng));
  return t;
}

// Runs a small graph network step and returns the loss and every parameter gradient, flattened.
template <class T>
std::vector<T> run_model(int threads) {
  set_num_threads(threads);
  std::mt19937_64 rng(42);
  const index_t N = 4096, E = 20000, H = 128;
  Parameter<T> w1(random_tensor<T>(Shape{3, H}, rng, 0.5)), b1(random_tensor<T>(Shape{H}, rng, 0.1));
  Parameter<T> w2(random_tensor<T>(Shape{H, H}, rng, 0.1)), b2(random_tensor<T>(Shape{H}, rng, 0.1));
  Parameter<T> w3(random_tensor<T>(Shape{H, 3}, rng, 0.1)), w4(random_tensor<T>(Shape{2, H}, rng, 0.3));
  const Tensor<T> x = random_tensor<T>(Shape{N, 3}, rng);
  std::uniform_int_distribution<std::int32_t> pick(0, static_cast<std::int32_t>(N - 1));
  std::vector<std::int32_t> senders(E), receivers(E);
  for (index_t e = 0; e < E; ++e) senders[e] = pick(rng), receivers[e] = pick(rng);

  Tape<T> tape;
  Var<T> h = silu(matmul(tape.constant(x), tape.param(w1)) + tape.param(b1));
  h = linear(h, tape.param(w2), tape.param(b2), Act::Tanh);
  const Tensor<T> pair_inputs = random_tensor<T>(Shape{E, 2}, rng);
  Var<T> messages = gather_rows(h, senders) * gather_rows(h, receivers) +
                    pair_linear(h, receivers, h, senders, tape.constant(pair_inputs), tape.param(w4), Act::Silu);
  Var<T> agg = segment_mean(messages, receivers, N);
  Var<T> out = matmul(agg + h, tape.param(w3));
  Var<T> loss = mean(square(out)) + mean(row_norm(out));
  tape.backward(loss);

  std::vector<T> bits{loss.item()};
  for (Parameter<T>* p : {&w1, &b1, &w2, &b2, &w3, &w4}) bits.insert(bits.end(), p->grad.data(), p->grad.data() + p->grad.numel());
  return bits;
}

}  // namespace

TEST_CASE_TEMPLATE("forward and backward are bitwise identical with 1 and 2 threads", T, float, double) {
  const int saved = num_threads();
  const std::vector<T> one = run_model<T>(1);
  const std::vector<T> two = run_model<T>(2);
  set_num_threads(saved);
  REQUIRE(one.size() == two.size());
  CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(T)) == 0);
  // And the run is not trivially zero.
  CHECK(one[0] > T(0));
}

TEST_CASE("parallel scatter-add equals the serial sum in source order") {
  std::mt19937_64 rng(9);
  const index_t E = 50000, R = 700, C = 4;
  std::uniform_int_distribution<std::int32_t> pick(0, R - 1);
  std::vector<std::int32_t> idx(E);
  for (auto& i : idx) i = pick(rng);
  // Unsorted (counting sort) and sorted (contiguous runs; rows 0 and R - 1 and others get nothing).
  std::vector<std::int32_t> sorted = idx;
  std::sort(sorted.begin(), sorted.end());
  for (auto& i : sorted) i = std::min<std::int32_t>(std::max<std::int32_t>(i, 1), R - 2);
  for (const std::vector<std::int32_t>* index : {&idx, &sorted}) {
    Tensor<float> x = random_tensor<float>(Shape{E, C}, rng);
    std::vector<float> want(R * C, 0.0f);  // independent serial reference, increasing source order
    for (index_t e = 0; e < E; ++e)
      for (index_t c = 0; c < C; ++c) want[(*index)[e] * C + c] += x[e * C + c];
    set_num_threads(2);
    Tape<float> tape;
    Var<float> y = scatter_add_rows(tape.constant(x), *index, R);
    CHECK(std::memcmp(y.data(), want.data(), want.size() * sizeof(float)) == 0);
  }
}
