// The windows of each training step when the steps run through a datasets::WindowLoader epoch
// after epoch (header only): step k trains on batch k % batch_count of epoch k / batch_count, so
// a run resumed at step k sees the batches of one never interrupted. Also the batch's charges as
// the (B*N, 1) column the charged models read.
//
//   examples::StepBatches batches(loader);
//   while (trainer.running()) {
//     const datasets::WindowBatch<float>& batch = batches.at(trainer.step());
//     ... tape.constant(batches.charges()) ...
//   }
#pragma once

#include <algorithm>
#include <cstdint>

#include "autodiff/tensor.hpp"
#include "datasets/windows.hpp"

namespace dg::examples {

class StepBatches {
 public:
  explicit StepBatches(datasets::WindowLoader<float>& loader) : loader_(loader) {}

  // The batch of step `step`; starts its epoch when the previous call's was another.
  const datasets::WindowBatch<float>& at(std::int64_t step) {
    const std::int64_t n = loader_.batch_count();
    if (step / n != epoch_) loader_.start_epoch(epoch_ = step / n);
    const datasets::WindowBatch<float>& batch = loader_.batch(step % n);
    if (charges_.numel() != batch.charges.numel()) charges_ = Tensor<float>(Shape{batch.charges.numel(), 1});
    std::copy(batch.charges.data(), batch.charges.data() + batch.charges.numel(), charges_.data());
    return batch;
  }
  const Tensor<float>& charges() const { return charges_; }  // (B*N, 1) of the last batch

 private:
  datasets::WindowLoader<float>& loader_;
  std::int64_t epoch_ = -1;
  Tensor<float> charges_;  // (B*N, 1)
};

}  // namespace dg::examples
