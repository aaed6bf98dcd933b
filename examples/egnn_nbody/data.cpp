// Loading the n-body splits and the windows of the task (data.hpp).
#include "examples/egnn_nbody/data.hpp"

#include "datasets/datasets.hpp"

namespace dg::egnn_nbody {

NBodyData load_nbody(const std::string& dir, std::int64_t train, std::int64_t val, std::int64_t test, std::uint64_t seed) {
  using namespace datasets;
  NBodyData d;
  if (!dir.empty()) {
    read_dataset_params(dir, "nbody");  // refuses a folder of another data set
    d.train = load_trajectories(split_path(dir, Split::Train));
    d.val = load_trajectories(split_path(dir, Split::Val));
    d.test = load_trajectories(split_path(dir, Split::Test));
    d.origin = dir;
  } else {
    const Generator& g = nbody_generator();
    Params p = default_params(g, false);
    p.set("train", train);
    p.set("val", val);
    p.set("test", test);
    p.set("seed", static_cast<std::int64_t>(seed));
    d.train = trajectories_from_arrays(generate_split(g, p, Split::Train), "generated train split");
    d.val = trajectories_from_arrays(generate_split(g, p, Split::Val), "generated val split");
    d.test = trajectories_from_arrays(generate_split(g, p, Split::Test), "generated test split");
    d.origin = "generated: nbody, train=" + std::to_string(train) + ", val=" + std::to_string(val) +
               ", test=" + std::to_string(test) + ", seed=" + std::to_string(seed);
  }
  for (const Trajectories* t : {&d.train, &d.val, &d.test})
    if (t->charges.empty()) throw DatasetError(t->source + ": the particles have no charges");
  return d;
}

datasets::WindowOptions task_windows(std::int64_t input_frame, std::int64_t target_frame, std::int64_t batch,
                                     bool shuffle, std::uint64_t seed) {
  return {.input_frames = 1, .target_frames = 1, .target_stride = target_frame - input_frame,
          .start_frame = input_frame, .batch_size = batch, .shuffle = shuffle, .drop_last = false, .seed = seed};
}

}  // namespace dg::egnn_nbody
