// WindowLoader<T>: batches of graphs for training, each graph one window of frames of one
// simulation: input frames and the target frames to predict from them.
//
//   const Trajectories train = load_trajectories("data/nbody/train.npz");
//   WindowLoader<float> loader(train, {.input_frames = 1, .target_frames = 1, .target_stride = 10,
//                                      .start_frame = 30, .batch_size = 100, .seed = 7});  // EGNN's task
//   for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
//     loader.start_epoch(epoch);
//     for (index_t b = 0; b < loader.batch_count(); ++b) {
//       const WindowBatch<float>& batch = loader.batch(b);   // valid until the next batch() call
//       ... batch.input_positions[0] (B*N, d), batch.graph, batch.target_positions[0] ...
//     }
//   }
//
// A window starting at frame s has the inputs s, s + 1, ..., s + I - 1 and the targets
// s + I - 1 + stride, s + I - 1 + 2 stride, ..., s + I - 1 + K stride. The windows of an epoch
// are every (simulation, start) pair: all starts that fit, or the one fixed start_frame. Epoch
// e's order is a pure function of (seed, e): a Fisher-Yates shuffle by Philox(seed, stream e).
// With a Normalization, positions and velocities are normalised before the conversion to T.
// Batches live in buffers sized once (a full batch and, when the windows do not divide evenly, a
// tail batch; the graph is built once for each): batch() allocates nothing.
// The loader keeps a reference to the trajectories: they must outlive it.
#pragma once

#include <cstdint>
#include <vector>

#include "autodiff/tensor.hpp"
#include "datasets/normalization.hpp"
#include "datasets/trajectories.hpp"
#include "nn/graph/graph_batch.hpp"

namespace dg::datasets {

struct WindowOptions {
  std::int64_t input_frames = 1;   // I >= 1
  std::int64_t target_frames = 1;  // K >= 1
  std::int64_t target_stride = 1;  // frames from the last input to the first target, and between targets
  std::int64_t start_frame = -1;   // a fixed first input frame; -1: every start that fits
  std::int64_t batch_size = 32;
  bool shuffle = true;             // identity order when false
  bool drop_last = false;          // skip a last, smaller batch
  std::uint64_t seed = 0;
};

// One batch of B windows (graphs of N nodes each; node b * N + i is particle i of window b).
template <class T>
struct WindowBatch {
  index_t size = 0;                             // B
  std::vector<Tensor<T>> input_positions;       // I x (B*N, d)
  std::vector<Tensor<T>> input_velocities;      // I x (B*N, d)
  std::vector<Tensor<T>> target_positions;      // K x (B*N, d)
  std::vector<Tensor<T>> target_velocities;     // K x (B*N, d)
  Tensor<T> charges;                            // (B*N), empty when the data have none
  Tensor<T> masses;                             // (B*N), empty when the data have none
  nn::GraphBatch graph;                         // B fully connected graphs (no self loops)
  std::vector<std::int64_t> simulation, start;  // (B) where each window comes from
};

template <class T>
class WindowLoader {
 public:
  // DatasetError for impossible options (a window longer than the trajectories, a start_frame
  // that does not fit, batch_size < 1, statistics of another dimension, no simulations).
  WindowLoader(const Trajectories& data, const WindowOptions& options, Normalization normalization = {});

  std::int64_t starts_per_simulation() const { return starts_; }
  std::int64_t window_count() const { return data_->sims * starts_; }
  std::int64_t batch_count() const;
  // Sets the window order of epoch `epoch` (>= 0).
  void start_epoch(std::int64_t epoch);
  // Fills batch b (0 <= b < batch_count()) of the current epoch and returns it.
  const WindowBatch<T>& batch(std::int64_t b);
  // (simulation, first frame) of window w of the current order.
  std::pair<std::int64_t, std::int64_t> window(std::int64_t w) const;
  const Trajectories& data() const { return *data_; }
  const Normalization& normalization() const { return norm_; }

 private:
  void prepare(WindowBatch<T>& b, index_t size) const;
  // Copies frame `frame` of simulation `sim` into rows [slot * N, (slot + 1) * N) of out.
  void copy_frame(const std::vector<double>& src, const std::vector<double>& shift, const std::vector<double>& scale,
                  std::int64_t sim, std::int64_t frame, index_t slot, Tensor<T>& out) const;

  const Trajectories* data_;
  WindowOptions opt_;
  Normalization norm_;
  std::int64_t starts_ = 0;          // valid starts per simulation
  std::int64_t first_start_ = 0;     // the first of them
  std::vector<std::int64_t> order_;  // (windows) window ids: sim * starts_ + start index
  WindowBatch<T> full_, tail_;
};

extern template class WindowLoader<float>;
extern template class WindowLoader<double>;

}  // namespace dg::datasets
