// load_splits and check_same_particles (splits.hpp).
#include "examples/common/splits.hpp"

#include "datasets/error.hpp"
#include "datasets/generate.hpp"
#include "datasets/shard_windows.hpp"

namespace dg::examples {

Splits load_splits(const std::string& dir, const datasets::Generator& g, std::int64_t train_sims, std::int64_t val_sims,
                   std::int64_t test_sims, std::uint64_t seed,
                   const std::function<void(const datasets::Params&)>& before_generating,
                   const TrainShards& train_shards) {
  using namespace datasets;
  Splits out;
  const bool whole = train_shards.shards == 0;
  const auto block = [&](std::int64_t sims) {
    return simulation_block(sims, train_shards.shards, train_shards.first, train_shards.last);
  };
  if (!dir.empty()) {
    out.params = read_dataset_params(dir, g.name()).params;  // refuses a folder of another set
    out.train = load_trajectories(split_path(dir, Split::Train));
    out.train_sims = out.train.sims;
    if (!whole) {
      const auto [first, last] = block(out.train.sims);
      out.train = select_simulations(out.train, first, last);
    }
    if (val_sims > 0) out.val = load_trajectories(split_path(dir, Split::Val));
    out.test = load_trajectories(split_path(dir, Split::Test));
    out.origin = dir;
    return out;
  }
  out.params = default_params(g, false);
  out.params.set("train", train_sims);
  if (val_sims > 0) out.params.set("val", val_sims);
  out.params.set("test", test_sims);
  out.params.set("seed", static_cast<std::int64_t>(seed));
  if (before_generating) before_generating(out.params);
  const auto [first, last] = whole ? std::pair<std::int64_t, std::int64_t>{0, train_sims} : block(train_sims);
  out.train_sims = train_sims;
  out.train = trajectories_from_arrays(generate_split(g, out.params, Split::Train, first, last - first),
                                       "generated train split");
  if (val_sims > 0)
    out.val = trajectories_from_arrays(generate_split(g, out.params, Split::Val), "generated val split");
  out.test = trajectories_from_arrays(generate_split(g, out.params, Split::Test), "generated test split");
  out.origin = "generated: " + g.name() + ", train=" + std::to_string(train_sims) +
               (val_sims > 0 ? ", val=" + std::to_string(val_sims) : "") + ", test=" + std::to_string(test_sims) +
               ", seed=" + std::to_string(seed);
  return out;
}

void check_same_particles(const datasets::Trajectories& train, const datasets::Trajectories& test) {
  if (train.particles != test.particles)
    throw datasets::DatasetError(test.source + ": " + std::to_string(test.particles) + " particles, train has " +
                                 std::to_string(train.particles));
}

}  // namespace dg::examples
