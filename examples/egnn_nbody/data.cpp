// Loading the n-body splits and the windows of the task (data.hpp).
#include "examples/egnn_nbody/data.hpp"

#include "datasets/datasets.hpp"
#include "examples/common/splits.hpp"

namespace dg::egnn_nbody {

NBodyData load_nbody(const std::string& dir, std::int64_t train, std::int64_t val, std::int64_t test, std::uint64_t seed) {
  using namespace datasets;
  examples::Splits s = examples::load_splits(dir, nbody_generator(), train, val, test, seed);
  NBodyData d;
  d.train = std::move(s.train);
  d.val = std::move(s.val);
  d.test = std::move(s.test);
  d.origin = std::move(s.origin);
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
