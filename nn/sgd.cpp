// SGD: hyperparameter checks and the per-parameter update (elementwise, parallel over chunks).
#include "nn/sgd.hpp"

#include <limits>

#include "autodiff/message.hpp"
#include "autodiff/parallel.hpp"

namespace dg::nn {

template <class T>
SGD<T>::SGD(std::vector<NamedParameter<T>> params, const SGDOptions& options)
    : Optimizer<T>(std::move(params), options.lr), options_(options) {
  constexpr double inf = std::numeric_limits<double>::max();
  check_hyperparameter("SGD", "momentum", options.momentum, 0.0, inf);
  check_hyperparameter("SGD", "dampening", options.dampening, 0.0, 1.0);
  check_hyperparameter("SGD", "weight_decay", options.weight_decay, 0.0, inf);
  if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
    throw std::invalid_argument("SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
  if (options.momentum != 0) momentum_ = this->zeros_like_parameters();
}

template <class T>
void SGD<T>::update(std::size_t k) {
  Parameter<T>& prm = *this->params_[k].param;
  if (prm.value.device() != Device::CPU)
    throw std::invalid_argument("SGD: parameter '" + this->params_[k].name + "' is on " +
                                device_name(prm.value.device()) + ": only Adam and AdamW update on a device");
  T* p = prm.value.data();
  const T* g = prm.grad.data();
  T* b = momentum_.empty() ? nullptr : momentum_[k].data();
  const index_t n = prm.value.numel();
  const T lr = static_cast<T>(this->lr_), wd = static_cast<T>(options_.weight_decay);
  const T mu = static_cast<T>(options_.momentum), keep = static_cast<T>(1 - options_.dampening);
  const bool first = this->steps_ == 0, nesterov = options_.nesterov;
  parallel_for(n, 6 * n, [&](index_t lo, index_t hi) {
    for (index_t i = lo; i < hi; ++i) {
      T d = g[i] + wd * p[i];
      if (b) {
        b[i] = first ? d : mu * b[i] + keep * d;
        d = nesterov ? d + mu * b[i] : b[i];
      }
      p[i] -= lr * d;
    }
  });
}

template <class T>
std::vector<NamedTensor<T>> SGD<T>::state() {
  return this->named("momentum", momentum_);
}

template <class T>
std::string SGD<T>::describe() const {
  Message s;
  s << "SGD(lr=" << this->lr_ << ", momentum=" << options_.momentum << ", dampening=" << options_.dampening
    << ", weight_decay=" << options_.weight_decay << (options_.nesterov ? ", nesterov)" : ")");
  return s.str();
}

template class SGD<float>;
template class SGD<double>;

}  // namespace dg::nn
