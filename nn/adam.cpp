// Adam / AdamW: hyperparameter checks and the per-parameter update (elementwise, parallel over chunks).
#include "nn/adam.hpp"

#include <cmath>
#include <limits>

#include "autodiff/device_backend.hpp"
#include "autodiff/message.hpp"
#include "autodiff/parallel.hpp"

namespace dg::nn {

template <class T>
Adam<T>::Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options) : Adam(std::move(params), options, false) {}

template <class T>
Adam<T>::Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options, bool decoupled)
    : Optimizer<T>(std::move(params), options.lr), options_(options), decoupled_(decoupled) {
  const char* who = decoupled ? "AdamW" : "Adam";
  check_hyperparameter(who, "beta1", options.beta1, 0.0, std::nextafter(1.0, 0.0));
  check_hyperparameter(who, "beta2", options.beta2, 0.0, std::nextafter(1.0, 0.0));
  check_hyperparameter(who, "eps", options.eps, 0.0, std::numeric_limits<double>::max());
  check_hyperparameter(who, "weight_decay", options.weight_decay, 0.0, std::numeric_limits<double>::max());
  m_ = this->zeros_like_parameters();
  v_ = this->zeros_like_parameters();
}

namespace {

// The update of n elements. Four distinct buffers (restrict) and constants passed by value, so
// the compiler vectorises the loop (sqrt included: -fno-math-errno).
template <class T>
void adam_update_range(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v, index_t n,
                       const AdamStep<T> c) {
  for (index_t i = 0; i < n; ++i) {
    const T gi = g[i] + c.l2 * p[i];
    p[i] *= c.shrink;
    m[i] = c.b1 * m[i] + c.one_b1 * gi;
    v[i] = c.b2 * v[i] + c.one_b2 * gi * gi;
    p[i] -= c.step_size * m[i] / (std::sqrt(v[i]) / c.sqrt_c2 + c.eps);
  }
}

}  // namespace

template <class T>
void Adam<T>::update(std::size_t k) {
  Parameter<T>& prm = *this->params_[k].param;
  T* p = prm.value.data();
  const T* g = prm.grad.data();
  T* m = m_[k].data();
  T* v = v_[k].data();
  const index_t n = prm.value.numel();
  // Bias corrections in double, then the per-element constants in T.
  const double t = static_cast<double>(this->steps_ + 1);
  const double correction1 = 1 - std::pow(options_.beta1, t);
  const double correction2 = 1 - std::pow(options_.beta2, t);
  const AdamStep<T> c{
      .step_size = static_cast<T>(this->lr_ / correction1),
      .sqrt_c2 = static_cast<T>(std::sqrt(correction2)),
      .b1 = static_cast<T>(options_.beta1),
      .b2 = static_cast<T>(options_.beta2),
      .one_b1 = static_cast<T>(1 - options_.beta1),
      .one_b2 = static_cast<T>(1 - options_.beta2),
      .eps = static_cast<T>(options_.eps),
      .l2 = decoupled_ ? T(0) : static_cast<T>(options_.weight_decay),
      .shrink = decoupled_ ? static_cast<T>(1 - this->lr_ * options_.weight_decay) : T(1),
  };
  if (prm.value.device() != Device::CPU) {  // the same arithmetic on the device (cuda/element_ops.hpp)
    device_backend<T>(prm.value.device()).adam_update(p, g, m, v, n, c);
    return;
  }
  parallel_for(n, 12 * n, [&](index_t lo, index_t hi) { adam_update_range(p + lo, g + lo, m + lo, v + lo, hi - lo, c); });
}

template <class T>
std::vector<NamedTensor<T>> Adam<T>::state() {
  std::vector<NamedTensor<T>> out = this->named("m", m_);
  for (NamedTensor<T>& e : this->named("v", v_)) out.push_back(std::move(e));
  return out;
}

template <class T>
std::string Adam<T>::describe() const {
  Message s;
  s << (decoupled_ ? "AdamW" : "Adam") << "(lr=" << this->lr_ << ", betas=(" << options_.beta1 << ", "
    << options_.beta2 << "), eps=" << options_.eps << ", weight_decay=" << options_.weight_decay << ")";
  return s.str();
}

template class Adam<float>;
template class Adam<double>;

}  // namespace dg::nn
