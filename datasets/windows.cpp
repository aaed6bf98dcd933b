// Windows of frames served as batches of graphs (see windows.hpp).
#include "datasets/windows.hpp"

#include <numeric>
#include <span>

#include "datasets/error.hpp"
#include "nn/shuffle.hpp"

namespace dg::datasets {

template <class T>
WindowLoader<T>::WindowLoader(const Trajectories& data, const WindowOptions& options, Normalization normalization)
    : data_(&data), opt_(options), norm_(std::move(normalization)) {
  const std::string where = "WindowLoader (" + data.source + ")";
  if (opt_.input_frames < 1 || opt_.target_frames < 1 || opt_.target_stride < 1)
    throw DatasetError(where + ": input_frames, target_frames and target_stride must be >= 1");
  if (opt_.batch_size < 1) throw DatasetError(where + ": batch_size must be >= 1, got " + std::to_string(opt_.batch_size));
  if (data.sims < 1) throw DatasetError(where + ": no simulations");
  norm_.require_dim(data.dim, where);

  // Frames a window spans, and the starts that fit in the trajectories.
  const std::int64_t span = opt_.input_frames + opt_.target_stride * opt_.target_frames;
  if (span > data.frames)
    throw DatasetError(where + ": a window of " + std::to_string(opt_.input_frames) + " input and " +
                       std::to_string(opt_.target_frames) + " target frames (stride " + std::to_string(opt_.target_stride) +
                       ") spans " + std::to_string(span) + " frames, the trajectories have " + std::to_string(data.frames));
  if (opt_.start_frame >= 0) {
    if (opt_.start_frame + span > data.frames)
      throw DatasetError(where + ": start_frame " + std::to_string(opt_.start_frame) + " leaves no room for the window (" +
                         std::to_string(span) + " of " + std::to_string(data.frames) + " frames)");
    starts_ = 1;
    first_start_ = opt_.start_frame;
  } else {
    starts_ = data.frames - span + 1;
  }

  // Buffers: the full batch and, when the windows do not divide evenly, the tail batch.
  order_.resize(static_cast<std::size_t>(window_count()));
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  prepare(full_, std::min<std::int64_t>(opt_.batch_size, window_count()));
  const std::int64_t rest = window_count() % opt_.batch_size;
  if (rest > 0 && !opt_.drop_last && window_count() > opt_.batch_size) prepare(tail_, rest);
}

template <class T>
void WindowLoader<T>::prepare(WindowBatch<T>& b, index_t size) const {
  const Shape frame{size * data_->particles, data_->dim};  // (B*N, d)
  b.size = size;
  b.input_positions.assign(static_cast<std::size_t>(opt_.input_frames), Tensor<T>::zeros(frame));
  b.input_velocities.assign(static_cast<std::size_t>(opt_.input_frames), Tensor<T>::zeros(frame));
  b.target_positions.assign(static_cast<std::size_t>(opt_.target_frames), Tensor<T>::zeros(frame));
  b.target_velocities.assign(static_cast<std::size_t>(opt_.target_frames), Tensor<T>::zeros(frame));
  if (!data_->charges.empty()) b.charges = Tensor<T>::zeros(Shape{size * data_->particles});
  if (!data_->masses.empty()) b.masses = Tensor<T>::zeros(Shape{size * data_->particles});
  nn::fully_connected(size, data_->particles, b.graph);
  b.simulation.assign(static_cast<std::size_t>(size), 0);
  b.start.assign(static_cast<std::size_t>(size), 0);
}

template <class T>
std::int64_t WindowLoader<T>::batch_count() const {
  const std::int64_t n = window_count(), bs = opt_.batch_size;
  return opt_.drop_last && n >= bs ? n / bs : (n + bs - 1) / bs;
}

template <class T>
void WindowLoader<T>::start_epoch(std::int64_t epoch) {
  if (epoch < 0) throw DatasetError("WindowLoader::start_epoch: negative epoch " + std::to_string(epoch));
  std::iota(order_.begin(), order_.end(), std::int64_t{0});
  if (!opt_.shuffle) return;
  Philox rng(opt_.seed, static_cast<std::uint64_t>(epoch));
  nn::shuffle(std::span<std::int64_t>(order_), rng);
}

template <class T>
std::pair<std::int64_t, std::int64_t> WindowLoader<T>::window(std::int64_t w) const {
  const std::int64_t id = order_[static_cast<std::size_t>(w)];
  return {id / starts_, first_start_ + id % starts_};
}

template <class T>
void WindowLoader<T>::copy_frame(const std::vector<double>& src, const std::vector<double>& shift,
                                 const std::vector<double>& scale, std::int64_t sim, std::int64_t frame, index_t slot,
                                 Tensor<T>& out) const {
  const std::int64_t n = data_->particles, d = data_->dim;
  const double* x = src.data() + data_->frame_offset(sim, frame);  // (N, d)
  T* y = out.data() + slot * n * d;                                 // (N, d) rows of the batch
  if (!norm_.enabled()) {
    for (std::int64_t i = 0; i < n * d; ++i) y[i] = static_cast<T>(x[i]);
    return;
  }
  for (std::int64_t i = 0; i < n * d; ++i)
    y[i] = static_cast<T>((x[i] - shift[static_cast<std::size_t>(i % d)]) / scale[static_cast<std::size_t>(i % d)]);
}

template <class T>
const WindowBatch<T>& WindowLoader<T>::batch(std::int64_t b) {
  if (b < 0 || b >= batch_count())
    throw DatasetError("WindowLoader::batch: batch " + std::to_string(b) + " out of range [0, " +
                       std::to_string(batch_count()) + ")");
  const std::int64_t first = b * opt_.batch_size;
  WindowBatch<T>& out = (first + full_.size <= window_count()) ? full_ : tail_;
  const std::int64_t n = data_->particles;
  for (index_t slot = 0; slot < out.size; ++slot) {
    const auto [sim, start] = window(first + slot);
    out.simulation[static_cast<std::size_t>(slot)] = sim;
    out.start[static_cast<std::size_t>(slot)] = start;
    // Inputs s .. s + I - 1, targets s + I - 1 + stride (k + 1).
    for (std::int64_t i = 0; i < opt_.input_frames; ++i) {
      copy_frame(data_->positions, norm_.position_shift, norm_.position_scale, sim, start + i, slot, out.input_positions[static_cast<std::size_t>(i)]);
      copy_frame(data_->velocities, norm_.velocity_shift, norm_.velocity_scale, sim, start + i, slot, out.input_velocities[static_cast<std::size_t>(i)]);
    }
    const std::int64_t last_input = start + opt_.input_frames - 1;
    for (std::int64_t k = 0; k < opt_.target_frames; ++k) {
      const std::int64_t f = last_input + opt_.target_stride * (k + 1);
      copy_frame(data_->positions, norm_.position_shift, norm_.position_scale, sim, f, slot, out.target_positions[static_cast<std::size_t>(k)]);
      copy_frame(data_->velocities, norm_.velocity_shift, norm_.velocity_scale, sim, f, slot, out.target_velocities[static_cast<std::size_t>(k)]);
    }
    // Per-particle values of the simulation.
    for (std::int64_t i = 0; i < n; ++i) {
      const std::size_t at = static_cast<std::size_t>(sim * n + i);
      if (!data_->charges.empty()) out.charges[slot * n + i] = static_cast<T>(data_->charges[at]);
      if (!data_->masses.empty()) out.masses[slot * n + i] = static_cast<T>(data_->masses[at]);
    }
  }
  return out;
}

template class WindowLoader<float>;
template class WindowLoader<double>;

}  // namespace dg::datasets
