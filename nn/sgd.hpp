// SGD with momentum, dampening, Nesterov momentum and L2 weight decay, exactly as PyTorch's
// torch.optim.SGD documents it (Sutskever et al. 2013 for the Nesterov form). For parameter p
// with gradient g at step t (1-based), momentum mu, dampening tau, weight decay lambda:
//   g <- g + lambda p
//   if mu != 0:  b <- g at t = 1, else b <- mu b + (1 - tau) g
//                g <- g + mu b (Nesterov)  or  g <- b
//   p <- p - lr g
// State: the momentum buffers b, named "momentum.<path>" (present only when mu != 0).
#pragma once

#include "nn/optimizer.hpp"

namespace dg::nn {

struct SGDOptions {
  double lr = 1e-2;
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;  // needs momentum > 0 and dampening = 0
};

template <class T>
class SGD : public Optimizer<T> {
 public:
  SGD(std::vector<NamedParameter<T>> params, const SGDOptions& options = {});

  std::string kind() const override { return "sgd"; }
  std::string describe() const override;
  std::vector<NamedTensor<T>> state() override;
  const SGDOptions& options() const { return options_; }

 protected:
  void update(std::size_t k) override;

 private:
  SGDOptions options_;
  std::vector<Tensor<T>> momentum_;  // one per parameter, its shape; empty without momentum
};

extern template class SGD<float>;
extern template class SGD<double>;

}  // namespace dg::nn
