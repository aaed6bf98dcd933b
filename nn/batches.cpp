// MiniBatches: shape checks, the per-epoch permutation and the row copies into batch tensors.
#include "nn/batches.hpp"

#include <cstring>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>

#include "nn/shuffle.hpp"

namespace dg::nn {

namespace {

// `like` with its first dimension replaced by b.
Shape with_first_dim(Shape like, index_t b) {
  like.dims[0] = b;
  return like;
}

template <class T>
void copy_rows(Tensor<T>& dst, const Tensor<T>& src, std::span<const std::int32_t> rows) {
  const index_t row = src.shape()[0] ? src.numel() / src.shape()[0] : 0;  // scalars per sample
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::memcpy(dst.data() + static_cast<index_t>(i) * row, src.data() + static_cast<index_t>(rows[i]) * row,
                static_cast<std::size_t>(row) * sizeof(T));
}

}  // namespace

template <class T>
MiniBatches<T>::MiniBatches(const Tensor<T>& inputs, const Tensor<T>& targets, index_t batch_size, std::uint64_t seed,
                            const BatchOptions& options)
    : inputs_(&inputs), targets_(&targets), n_(0), batch_size_(batch_size), seed_(seed), options_(options) {
  if (inputs.shape().rank == 0 || targets.shape().rank == 0)
    throw ShapeError("MiniBatches: inputs and targets need a sample dimension (shapes " + inputs.shape().str() +
                     " and " + targets.shape().str() + ")");
  n_ = inputs.shape()[0];
  if (targets.shape()[0] != n_)
    throw_shape_error("MiniBatches", "inputs and targets have different sample counts", inputs.shape(),
                      targets.shape());
  if (n_ == 0 || n_ > std::numeric_limits<std::int32_t>::max())
    throw ShapeError("MiniBatches: sample count " + std::to_string(n_) + " is out of range");
  if (batch_size <= 0 || batch_size > n_)
    throw std::invalid_argument("MiniBatches: batch size must be in [1, " + std::to_string(n_) + "], got " +
                                std::to_string(batch_size));
  order_.resize(static_cast<std::size_t>(n_));
  std::iota(order_.begin(), order_.end(), 0);
  full_x_ = Tensor<T>(with_first_dim(inputs.shape(), batch_size));
  full_y_ = Tensor<T>(with_first_dim(targets.shape(), batch_size));
  if (const index_t tail = n_ % batch_size; tail && !options.drop_last) {
    tail_x_ = Tensor<T>(with_first_dim(inputs.shape(), tail));
    tail_y_ = Tensor<T>(with_first_dim(targets.shape(), tail));
  }
}

template <class T>
index_t MiniBatches<T>::batch_count() const {
  return options_.drop_last ? n_ / batch_size_ : (n_ + batch_size_ - 1) / batch_size_;
}

template <class T>
void MiniBatches<T>::start_epoch(std::int64_t epoch) {
  if (epoch < 0) throw std::invalid_argument("MiniBatches: negative epoch " + std::to_string(epoch));
  std::iota(order_.begin(), order_.end(), 0);
  if (!options_.shuffle) return;
  Philox rng(seed_, static_cast<std::uint64_t>(epoch));
  shuffle(std::span<std::int32_t>(order_), rng);
}

template <class T>
typename MiniBatches<T>::Batch MiniBatches<T>::batch(index_t b) {
  if (b < 0 || b >= batch_count())
    throw std::out_of_range("MiniBatches: batch " + std::to_string(b) + " of " + std::to_string(batch_count()));
  const index_t begin = b * batch_size_;
  const index_t size = std::min(batch_size_, n_ - begin);
  Tensor<T>& x = size == batch_size_ ? full_x_ : tail_x_;
  Tensor<T>& y = size == batch_size_ ? full_y_ : tail_y_;
  const std::span<const std::int32_t> rows(order_.data() + begin, static_cast<std::size_t>(size));
  copy_rows(x, *inputs_, rows);
  copy_rows(y, *targets_, rows);
  return Batch{x, y, size};
}

template class MiniBatches<float>;
template class MiniBatches<double>;

}  // namespace dg::nn
