// How a batch and its shards are cut, written once. Both cuts depend only on the counts given
// (never on threads or ranks), so every process computes the same ones.
#pragma once

#include <cstdint>
#include <utility>

namespace dg::distributed {

// Items [begin, end) of shard s when n items are cut into `shards` nearly equal parts in order:
// [n s / S, n (s + 1) / S). A shard may be empty when n < S.
inline std::pair<std::int64_t, std::int64_t> shard_range(std::int64_t n, std::int64_t shards, std::int64_t s) {
  return {n * s / shards, n * (s + 1) / shards};
}

// The shards [first, last) that rank r of `ranks` owns: the same cut applied to the shards.
inline std::pair<std::int64_t, std::int64_t> owned_shards(std::int64_t shards, int ranks, int r) {
  return shard_range(shards, ranks, r);
}

}  // namespace dg::distributed
