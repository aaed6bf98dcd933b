// The data of the field-discovery experiment: Aether's electrostatic set (datasets/
// electrostatic.cpp), generated in memory or read from a folder written by `dynagrad-data`, with
// its fixed source charges (the ground truth of the field, used only for evaluation).
#pragma once

#include <cstdint>
#include <string>

#include "autodiff/tensor.hpp"
#include "datasets/trajectories.hpp"
#include "examples/common/splits.hpp"

namespace dg::field_discovery {

struct ElectrostaticData {
  datasets::Trajectories train, test;  // train: the whole split, or the block of this process's shards
  std::int64_t train_sims = 0;         // of the whole training split
  bool train_is_block = false;         // data per shard (--shard-data)
  Tensor<double> source_positions;  // (S, d)
  Tensor<double> source_charges;    // (S)
  double coulomb_k = 1, force_cap = 100;
  std::string origin;               // where the data came from, for results.json
};

// From `dir` (train.npz, test.npz, params.json) when not empty, else generated: `train` and `test`
// simulations of the default electrostatic parameters with `seed`. Throws DatasetError naming
// the file for a missing, corrupt or unsuitable data set (not 2D, no charges, no sources, fewer
// than `min_frames` frames). With `train_shards` only the training simulations of those shards are
// kept (examples/common/splits.hpp).
ElectrostaticData load_electrostatic(const std::string& dir, std::int64_t train, std::int64_t test, std::uint64_t seed,
                                     std::int64_t min_frames, const examples::TrainShards& train_shards = {});

// The positions whose density the evaluation uses (the field grid's extent, its density weights,
// the source search): the training split, or the test split when each process holds only a block
// of the training split (every process holds the whole test split, so all agree).
const datasets::Trajectories& density_positions(const ElectrostaticData& data);

}  // namespace dg::field_discovery
