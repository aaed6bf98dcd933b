// ShardWindows (data per shard, datasets/shard_windows.hpp) on trajectories whose every value names
// its simulation: each shard draws only from its own block of simulations, covers it once per
// epoch, and a process holding only the blocks of some shards gets for them the batches that a
// process holding everything gets; steps can be asked for in any order (a resumed run).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <utility>

#include "datasets/shard_windows.hpp"
#include "tests/datasets/helpers.hpp"

using namespace dg;
using namespace dg::datasets;
using dg::datasets::test::coded_trajectories;
using dg::datasets::test::error_of;

namespace {

// The simulation a coded position value belongs to (coded(): 1000 s + 10 f + ... + 1, f < 100).
std::int64_t simulation_of(double value) { return static_cast<std::int64_t>(std::floor((value - 1.0) / 1000.0)); }

bool same_batch(const WindowBatch<float>& a, const WindowBatch<float>& b) {
  if (a.size != b.size || a.input_positions[0].numel() != b.input_positions[0].numel()) return false;
  for (std::size_t k = 0; k < a.target_positions.size(); ++k)
    for (index_t i = 0; i < a.target_positions[k].numel(); ++i)
      if (a.target_positions[k][i] != b.target_positions[k][i]) return false;
  for (index_t i = 0; i < a.input_positions[0].numel(); ++i)
    if (a.input_positions[0][i] != b.input_positions[0][i]) return false;
  return true;
}

const WindowOptions kOptions{.input_frames = 1, .target_frames = 2, .batch_size = 6, .seed = 11};

}  // namespace

TEST_CASE("ShardWindows: each shard draws from its own block and covers it once per epoch") {
  const Trajectories all = coded_trajectories(10, 6, 3, 2);  // 10 simulations, 4 windows each
  ShardWindows<float> shards(all, 10, 3, {0, 3}, kOptions);  // blocks [0,3) [3,6) [6,10), 2 windows per step
  for (std::int64_t s = 0; s < 3; ++s) {
    const auto [first, last] = distributed::shard_range(10, 3, s);
    std::multiset<std::pair<std::int64_t, double>> seen;  // (simulation, first input value) of each window
    const std::int64_t steps_per_epoch = (last - first) * 4 / 2;
    for (std::int64_t k = 0; k < steps_per_epoch; ++k) {
      const WindowBatch<float>& b = shards.at(k, s);
      REQUIRE(b.size == 2);
      for (index_t w = 0; w < b.size; ++w) {
        const double x = b.input_positions[0][w * 3 * 2];  // particle 0, component 0 of window w
        const std::int64_t sim = simulation_of(x);
        CHECK(sim >= first);
        CHECK(sim < last);
        seen.insert({sim, x});
      }
    }
    // Every (simulation, start) of the block exactly once in the epoch.
    CHECK(seen.size() == std::size_t((last - first) * 4));
    CHECK(std::set<std::pair<std::int64_t, double>>(seen.begin(), seen.end()).size() == seen.size());
  }
  CHECK(shards.share(0) + shards.share(1) + shards.share(2) == doctest::Approx(1.0));
  ShardWindows<float> uneven(all, 10, 3, {0, 3}, {.target_frames = 1, .batch_size = 7});
  CHECK(uneven.share(2) == doctest::Approx(3.0 / 7.0));  // windows [4, 7) of the 7
}

TEST_CASE("ShardWindows: a process holding only its shards' blocks gets the same batches") {
  const Trajectories all = coded_trajectories(10, 6, 3, 2);
  ShardWindows<float> everything(all, 10, 3, {0, 3}, kOptions);
  const auto [first, last] = simulation_block(10, 3, 1, 3);
  CHECK(first == 3);
  CHECK(last == 10);
  const Trajectories part = select_simulations(all, first, last);
  CHECK(part.sims == 7);
  CHECK(part.positions_at(0, 0)[0] == all.positions_at(3, 0)[0]);
  CHECK(part.charges.size() == std::size_t(7 * 3));
  ShardWindows<float> mine(part, 10, 3, {1, 3}, kOptions);
  for (std::int64_t k = 0; k < 40; ++k)
    for (std::int64_t s = 1; s < 3; ++s) CHECK(same_batch(everything.at(k, s), mine.at(k, s)));
  // Another seed gives another order; shards have seeds of their own.
  CHECK(shard_seed(11, 0) != shard_seed(11, 1));
  CHECK(shard_seed(11, 0) != shard_seed(12, 0));
}

TEST_CASE("ShardWindows: steps in any order give the batches of an uninterrupted run") {
  const Trajectories all = coded_trajectories(10, 6, 3, 2);
  ShardWindows<float> straight(all, 10, 2, {0, 2}, kOptions);
  ShardWindows<float> resumed(all, 10, 2, {0, 2}, kOptions);
  std::vector<std::vector<float>> firsts;
  for (std::int64_t k = 0; k < 30; ++k) {
    const WindowBatch<float>& b = straight.at(k, 1);
    firsts.emplace_back(b.input_positions[0].data(), b.input_positions[0].data() + b.input_positions[0].numel());
  }
  for (std::int64_t k : {17, 3, 29, 0, 17}) {
    const WindowBatch<float>& b = resumed.at(k, 1);
    CHECK(std::vector<float>(b.input_positions[0].data(), b.input_positions[0].data() + b.input_positions[0].numel()) ==
          firsts[std::size_t(k)]);
  }
}

TEST_CASE("ShardWindows: impossible cuts are refused with the reason") {
  const Trajectories all = coded_trajectories(10, 6, 3, 2);
  CHECK(error_of([&] {
          ShardWindows<float>(all, 10, 3, {1, 3}, kOptions);
        }).find("hold 7 of the 10") != std::string::npos);
  CHECK(error_of([&] { simulation_block(10, 3, 2, 2); }).find("at least one shard") != std::string::npos);
  CHECK(error_of([&] {
          ShardWindows<float>(all, 10, 4, {0, 4}, {.batch_size = 3});
        }).find("0 windows per batch") != std::string::npos);
  CHECK(error_of([&] { select_simulations(all, 4, 11); }).find("coded: simulations [4, 11)") != std::string::npos);
}
