// ShardWindows<T>: training data per shard, for data-parallel training (docs/distributed.md, "Data
// per shard"). The N training simulations are cut into S contiguous blocks (shard s holds
// simulations shard_range(N, S, s)), and shard s draws its windows from its own block only, with a
// loader of its own: shard_range(B, S, s) windows per step, in the order of seed shard_seed(seed, s).
// So a process needs only the blocks of the shards it owns (simulation_block gives the range to
// read or generate), and gets for them the same batches as any other process would: the batches
// depend on N, S, B and the seed, never on the number of threads or ranks.
//
//   const auto [s0, s1] = distributed::owned_shards(S, ranks, rank);
//   const auto [first, last] = datasets::simulation_block(N, S, s0, s1);   // generate or read these
//   datasets::ShardWindows<float> shards(part, N, S, {s0, s1}, {.target_frames = 4, .batch_size = B, ...});
//   ... in the loss of shard s at step k:  const WindowBatch<float>& b = shards.at(k, s);
//
// Shard s's loader runs through epochs of its block as StepBatches does for one loader: step k is
// batch k % n of epoch k / n, n its batch count, so a resumed run sees the batches of one never
// interrupted. at() of different shards may run at the same time (each shard has its own loader).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autodiff/random.hpp"
#include "datasets/error.hpp"
#include "datasets/trajectories.hpp"
#include "datasets/windows.hpp"
#include "distributed/shards.hpp"

namespace dg::datasets {

// The simulations [first, last) of shards [s0, s1) when N simulations are cut into S blocks.
inline std::pair<std::int64_t, std::int64_t> simulation_block(std::int64_t sims, std::int64_t shards, std::int64_t s0,
                                                              std::int64_t s1) {
  if (shards < 1 || s0 < 0 || s1 <= s0 || s1 > shards)
    throw DatasetError("simulation_block: shards [" + std::to_string(s0) + ", " + std::to_string(s1) + ") of " +
                       std::to_string(shards) + " (a process must own at least one shard)");
  return {distributed::shard_range(sims, shards, s0).first, distributed::shard_range(sims, shards, s1 - 1).second};
}

// The loader seed of shard s: 64 bits of Philox(seed, stream 2^40 + s), a stream no loader's epoch uses.
inline std::uint64_t shard_seed(std::uint64_t seed, std::int64_t s) {
  Philox rng(seed, (std::uint64_t{1} << 40) + static_cast<std::uint64_t>(s));
  const std::uint64_t hi = rng(), lo = rng();
  return (hi << 32) | lo;
}

template <class T>
class ShardWindows {
 public:
  // `part` holds simulations simulation_block(sims, shards, owned.first, owned.second) of the
  // split's `sims`; o.batch_size is the batch of all S shards together and o.seed the run's seed.
  ShardWindows(const Trajectories& part, std::int64_t sims, std::int64_t shards,
               std::pair<std::int64_t, std::int64_t> owned, const WindowOptions& o)
      : shards_(shards), first_(owned.first), batch_(o.batch_size) {
    const auto [s0, s1] = owned;
    const auto [first, last] = simulation_block(sims, shards, s0, s1);
    if (part.sims != last - first)
      throw DatasetError(part.source + ": " + std::to_string(part.sims) + " simulations, shards [" +
                         std::to_string(s0) + ", " + std::to_string(s1) + ") of " + std::to_string(shards) + " hold " +
                         std::to_string(last - first) + " of the " + std::to_string(sims));
    for (std::int64_t s = s0; s < s1; ++s) {
      const auto [a, b] = distributed::shard_range(sims, shards, s);
      const auto [w0, w1] = distributed::shard_range(o.batch_size, shards, s);
      if (b == a || w1 == w0)
        throw DatasetError(part.source + ": shard " + std::to_string(s) + " of " + std::to_string(shards) + " gets " +
                           std::to_string(b - a) + " simulations and " + std::to_string(w1 - w0) +
                           " windows per batch (fewer shards, or more simulations and a larger batch)");
      Block& k = blocks_.emplace_back();
      k.data = std::make_unique<Trajectories>(select_simulations(part, a - first, b - first));
      WindowOptions so = o;
      so.batch_size = w1 - w0;
      so.seed = shard_seed(o.seed, s);
      k.loader = std::make_unique<WindowLoader<T>>(*k.data, so);
    }
  }

  std::int64_t shards() const { return shards_; }
  // Shard s's batch at step `step` (s one of the owned shards).
  const WindowBatch<T>& at(std::int64_t step, std::int64_t s) {
    Block& k = blocks_.at(static_cast<std::size_t>(s - first_));
    const std::int64_t n = k.loader->batch_count();
    if (step / n != k.epoch) k.loader->start_epoch(k.epoch = step / n);
    return k.loader->batch(step % n);
  }
  // Shard s's share of a step's windows (its part of a loss that is a mean over all of them).
  double share(std::int64_t s) const {
    const auto [w0, w1] = distributed::shard_range(batch_, shards_, s);
    return double(w1 - w0) / double(batch_);
  }

 private:
  struct Block {
    std::unique_ptr<Trajectories> data;  // the shard's simulations (the loader keeps a reference)
    std::unique_ptr<WindowLoader<T>> loader;
    std::int64_t epoch = -1;
  };
  std::int64_t shards_, first_, batch_;
  std::vector<Block> blocks_;  // one per owned shard
};

}  // namespace dg::datasets
