// Adam (Kingma & Ba 2015, with bias correction) and AdamW (Loshchilov & Hutter 2019, decoupled
// weight decay), as PyTorch's torch.optim.Adam / AdamW document them. For parameter p with
// gradient g at step t (1-based):
//   Adam:  g <- g + lambda p                       (L2 penalty folded into the gradient)
//   AdamW: p <- p (1 - lr lambda)                  (decay applied to the weight directly)
//   m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2
//   p <- p - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// State: "m.<path>" and "v.<path>" for each parameter, plus the step counter t.
#pragma once

#include "nn/optimizer.hpp"

namespace dg::nn {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;  // L2 for Adam; decoupled for AdamW (PyTorch's AdamW default is 1e-2)
};

template <class T>
class Adam : public Optimizer<T> {
 public:
  Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options = {});

  std::string kind() const override { return decoupled_ ? "adamw" : "adam"; }
  std::string describe() const override;
  std::vector<NamedTensor<T>> state() override;
  const AdamOptions& options() const { return options_; }

 protected:
  Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options, bool decoupled);
  void update(std::size_t k) override;

 private:
  AdamOptions options_;
  bool decoupled_;
  std::vector<Tensor<T>> m_, v_;  // first and second moments, one per parameter, its shape
};

// AdamW: Adam with decoupled weight decay.
template <class T>
class AdamW : public Adam<T> {
 public:
  AdamW(std::vector<NamedParameter<T>> params, const AdamOptions& options = {})
      : Adam<T>(std::move(params), options, true) {}
};

extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace dg::nn
