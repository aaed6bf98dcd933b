// The splits an experiment trains and tests on: read from a folder that `dynagrad-data generate
// <set>` wrote (its params.json must name that set), or generated in memory from the set's default
// parameters with the sizes and seed given. The experiment then checks what it needs of them.
//
//   const examples::Splits s = examples::load_splits(dir, datasets::lorentz_generator(), train, 0, test, seed);
//   out.coulomb_k = s.params.real("coulomb_k");
//   examples::check_same_particles(s.train, s.test);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "datasets/generator.hpp"
#include "datasets/params.hpp"
#include "datasets/trajectories.hpp"

namespace dg::examples {

// Shards [first, last) of `shards`; shards 0: the whole training split.
struct TrainShards {
  std::int64_t shards = 0, first = 0, last = 0;
};

struct Splits {
  datasets::Trajectories train, val, test;  // val: empty unless asked for
  std::int64_t train_sims = 0;              // of the whole training split (train may hold a block)
  datasets::Params params;                  // of the folder, or those generated with
  std::string origin;                       // the folder, or "generated: <set>, train=.., [val=.., ]test=.., seed=.."
};

// val_sims 0: no validation split (neither read nor generated). `before_generating` (optional)
// sees the parameters before the minutes of simulation, to refuse them early. With `train_shards`
// (data per shard, datasets/shard_windows.hpp) only the training simulations of shards
// [first, last) of `shards` are kept: generated alone, or read and cut.
Splits load_splits(const std::string& dir, const datasets::Generator& g, std::int64_t train_sims, std::int64_t val_sims,
                   std::int64_t test_sims, std::uint64_t seed,
                   const std::function<void(const datasets::Params&)>& before_generating = {},
                   const TrainShards& train_shards = {});

// DatasetError naming the test split when its particle count differs from the training split's.
void check_same_particles(const datasets::Trajectories& train, const datasets::Trajectories& test);

}  // namespace dg::examples
