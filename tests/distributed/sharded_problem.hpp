// The regression problem of the distributed tests: an MLP (2 -> 32 -> 32 -> 1) fitted to
// sin(x0) cos(x1) on batches of 96 rows, the batch of step k being rows [96 k, 96 k + 96) mod 384.
// shard_loss gives shard s's part of the batch MSE (its mean times its share of the rows), so
// the parts add up to the loss of the whole batch.
#pragma once

#include <cmath>
#include <cstdint>

#include "autodiff/ops.hpp"
#include "distributed/shards.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"

namespace dg::test {

struct ShardedProblem {
  static constexpr index_t kRows = 384, kBatch = 96;
  Tensor<float> x{Shape{kRows, 2}}, y{Shape{kRows, 1}};  // (rows, 2) inputs, (rows, 1) targets
  ShardedProblem() {
    for (index_t i = 0; i < kRows; ++i) {
      x[2 * i] = float(std::fmod(0.37 * double(i), 6.0) - 3);
      x[2 * i + 1] = float(std::fmod(0.61 * double(i), 4.0) - 2);
      y[i] = float(std::sin(double(x[2 * i])) * std::cos(double(x[2 * i + 1])));
    }
  }
  static nn::MLP<float> model(std::uint64_t seed = 5) {
    Philox rng(seed);
    return nn::MLP<float>({2, 32, 32, 1}, rng);
  }
  // The first row of step `step`'s batch.
  static index_t batch_start(std::int64_t step) { return (step * kBatch) % kRows; }
  // The mean squared error of rows [b, e) of the batch of `step`, times (e - b) / kBatch.
  Var<float> part_loss(Tape<float>& tape, nn::MLP<float>& net, std::int64_t step, index_t b, index_t e) const {
    const index_t at = batch_start(step) + b;
    const Var<float> xs = tape.constant(Shape{e - b, 2}, x.data() + 2 * at);
    const Var<float> ys = tape.constant(Shape{e - b, 1}, y.data() + at);
    const Var<float> mse = nn::mse_loss(net(tape, xs), ys);
    return e - b == kBatch ? mse : mse * (double(e - b) / double(kBatch));
  }
  Var<float> shard_loss(Tape<float>& tape, nn::MLP<float>& net, std::int64_t step, std::int64_t shard,
                        std::int64_t shards) const {
    const auto [b, e] = distributed::shard_range(kBatch, shards, shard);
    return part_loss(tape, net, step, b, e);
  }
};

}  // namespace dg::test
