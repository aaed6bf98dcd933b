// WindowShards: the shards of a window batch for data-parallel training (distributed/): shard s
// of S holds windows [B s / S, B (s + 1) / S) of the batch, with their rows of every tensor and
// their graphs, as a batch of its own. Each shard has its own buffers, so the threads that own
// different shards can cut them at the same time; after the first batch of a given size, cutting
// allocates nothing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "datasets/windows.hpp"
#include "distributed/shards.hpp"

namespace dg::datasets {

template <class T>
class WindowShards {
 public:
  explicit WindowShards(std::int64_t shards) : parts_(static_cast<std::size_t>(std::max<std::int64_t>(shards, 1))) {}
  std::int64_t shards() const { return static_cast<std::int64_t>(parts_.size()); }

  // Windows [first, last) of `batch` (see the top).
  std::pair<index_t, index_t> windows(const WindowBatch<T>& batch, std::int64_t s) const {
    return distributed::shard_range(batch.size, shards(), s);
  }
  // The rows [first, last) of shard s in the batch's (B*N, ...) tensors.
  std::pair<index_t, index_t> rows(const WindowBatch<T>& batch, std::int64_t s) const {
    const auto [a, b] = windows(batch, s);
    return {batch.graph.graph_start[std::size_t(a)], batch.graph.graph_start[std::size_t(b)]};
  }
  // The shard's share of the batch's rows: its part of a loss that is a mean over them.
  double share(const WindowBatch<T>& batch, std::int64_t s) const {
    const auto [a, b] = rows(batch, s);
    return double(b - a) / double(batch.graph.num_nodes);
  }

  // Shard s of `batch` as a batch (valid until the next call for the same s).
  const WindowBatch<T>& cut(const WindowBatch<T>& batch, std::int64_t s) {
    WindowBatch<T>& out = parts_[static_cast<std::size_t>(s)];
    const auto [a, b] = windows(batch, s);
    const auto [r0, r1] = rows(batch, s);
    out.size = b - a;
    slice_frames(batch.input_positions, r0, r1, out.input_positions);
    slice_frames(batch.input_velocities, r0, r1, out.input_velocities);
    slice_frames(batch.target_positions, r0, r1, out.target_positions);
    slice_frames(batch.target_velocities, r0, r1, out.target_velocities);
    slice(batch.charges, r0, r1, out.charges);
    slice(batch.masses, r0, r1, out.masses);
    const index_t n = b > a ? batch.graph.graph_size(a) : 0;  // the windows of a batch have equal sizes
    nn::fully_connected(b - a, n, out.graph);
    out.simulation.assign(batch.simulation.begin() + a, batch.simulation.begin() + b);
    out.start.assign(batch.start.begin() + a, batch.start.begin() + b);
    return out;
  }

 private:
  // Rows [r0, r1) of `t` (rows of its first dimension; an empty t stays empty).
  static void slice(const Tensor<T>& t, index_t r0, index_t r1, Tensor<T>& out) {
    if (t.numel() == 0) {
      if (out.numel() != 0) out = Tensor<T>();
      return;
    }
    const index_t width = t.numel() / t.shape()[0];
    Shape shape = t.shape();
    shape.dims[0] = r1 - r0;
    if (out.shape() != shape) out = Tensor<T>(shape);
    std::copy(t.data() + r0 * width, t.data() + r1 * width, out.data());
  }
  static void slice_frames(const std::vector<Tensor<T>>& frames, index_t r0, index_t r1, std::vector<Tensor<T>>& out) {
    out.resize(frames.size());
    for (std::size_t f = 0; f < frames.size(); ++f) slice(frames[f], r0, r1, out[f]);
  }

  std::vector<WindowBatch<T>> parts_;  // (S) the shards' own buffers
};

}  // namespace dg::datasets
