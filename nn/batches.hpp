// MiniBatches<T>: seeded shuffling and mini-batching over in-memory data (an inputs tensor and a
// targets tensor whose first dimension N counts the samples). Batch tensors are allocated once
// (a full-size pair and, when N is not a multiple of the batch size, a tail pair), so iterating
// epochs allocates nothing.
//
// Epoch e's order is a pure function of (seed, e): a Fisher-Yates shuffle of 0..N-1 by the
// Philox engine (seed, stream e). So a resumed run sees the same batches.
//
//   MiniBatches<float> data(x, y, 64, /*seed=*/7);   // x (N, D), y (N, K); both must outlive data
//   for (int e = 0; e < epochs; ++e) {
//     data.start_epoch(e);
//     for (index_t b = 0; b < data.batch_count(); ++b) { auto batch = data.batch(b); ... }
//   }
#pragma once

#include <cstdint>
#include <vector>

#include "autodiff/tensor.hpp"

namespace dg::nn {

struct BatchOptions {
  bool shuffle = true;     // identity order when false
  bool drop_last = false;  // skip a last, smaller batch
};

template <class T>
class MiniBatches {
 public:
  // A batch: views of the internal tensors, valid until the next call of batch().
  struct Batch {
    const Tensor<T>& inputs;   // (B, ...) rows of the inputs
    const Tensor<T>& targets;  // (B, ...) rows of the targets
    index_t size;              // B
  };

  MiniBatches(const Tensor<T>& inputs, const Tensor<T>& targets, index_t batch_size, std::uint64_t seed,
              const BatchOptions& options = {});

  index_t sample_count() const { return n_; }
  index_t batch_size() const { return batch_size_; }
  index_t batch_count() const;
  // Sets the sample order of epoch `epoch` (>= 0).
  void start_epoch(std::int64_t epoch);
  // Copies batch b (0 <= b < batch_count()) of the current epoch and returns it.
  Batch batch(index_t b);
  // The current order (sample indices), for inspection.
  const std::vector<std::int32_t>& order() const { return order_; }

 private:
  const Tensor<T>* inputs_;
  const Tensor<T>* targets_;
  index_t n_, batch_size_;
  std::uint64_t seed_;
  BatchOptions options_;
  std::vector<std::int32_t> order_;  // (N,) sample indices of this epoch
  Tensor<T> full_x_, full_y_;        // (batch_size, ...)
  Tensor<T> tail_x_, tail_y_;        // (N % batch_size, ...), when used
};

extern template class MiniBatches<float>;
extern template class MiniBatches<double>;

}  // namespace dg::nn
