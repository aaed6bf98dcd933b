// Optimizer base: parameter list checks, the finite-gradient check, the step driver and state helpers.
#include "nn/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "autodiff/message.hpp"
#include "autodiff/parallel.hpp"

namespace dg::nn {

void check_hyperparameter(const char* who, const char* what, double v, double lo, double hi) {
  if (std::isfinite(v) && v >= lo && v <= hi) return;
  Message s;
  s << who << ": " << what << " must be in [" << lo << ", " << hi << "], got " << v;
  throw std::invalid_argument(s.str());
}

template <class T>
Optimizer<T>::Optimizer(std::vector<NamedParameter<T>> params, double lr) : params_(std::move(params)), lr_(0) {
  set_lr(lr);
  std::set<const Parameter<T>*> seen;
  std::set<std::string> names;
  for (const NamedParameter<T>& p : params_) {
    if (!p.param) throw std::invalid_argument("optimizer: parameter '" + p.name + "' is null");
    if (!seen.insert(p.param).second) throw std::invalid_argument("optimizer: parameter '" + p.name + "' is listed twice");
    if (!names.insert(p.name).second) throw std::invalid_argument("optimizer: two parameters are named '" + p.name + "'");
  }
}

template <class T>
void Optimizer<T>::set_lr(double lr) {
  check_hyperparameter("optimizer", "learning rate", lr, 0.0, std::numeric_limits<double>::max());
  lr_ = lr;
}

template <class T>
void Optimizer<T>::set_step_count(std::int64_t steps) {
  if (steps < 0) throw std::invalid_argument("optimizer: negative step count " + std::to_string(steps));
  steps_ = steps;
}

template <class T>
void Optimizer<T>::step() {
  if (!params_.empty() && params_[0].param->value.device() != Device::CPU) return step_on_device();
  // One parallel region over the parameters for the check and one for the update (not one per
  // parameter tensor): each parameter's work is elementwise, so any split gives the same bits.
  const index_t count = static_cast<index_t>(params_.size());
  index_t elements = 0;
  for (const NamedParameter<T>& p : params_) elements += p.param->grad.numel();
  // Check every gradient before touching any value, so a bad step changes nothing.
  if (check_finite_) {
    first_non_finite_.assign(params_.size(), -1);  // no allocation after the first step
    parallel_for(count, elements, [&](index_t lo, index_t hi) {
      for (index_t k = lo; k < hi; ++k) {
        const Tensor<T>& g = params_[static_cast<std::size_t>(k)].param->grad;
        for (index_t i = 0; i < g.numel(); ++i)
          if (!std::isfinite(g[i])) {
            first_non_finite_[static_cast<std::size_t>(k)] = i;
            break;
          }
      }
    });
    for (std::size_t k = 0; k < params_.size(); ++k)
      if (first_non_finite_[k] >= 0)
        throw NonFiniteGradient(describe() + " step " + std::to_string(steps_ + 1) + ": gradient of '" + params_[k].name +
                                "' has a non-finite value at element " + std::to_string(first_non_finite_[k]));
  }
  parallel_for(count, 12 * elements, [&](index_t lo, index_t hi) {
    for (index_t k = lo; k < hi; ++k) update(static_cast<std::size_t>(k));
  });
  ++steps_;
}

// Parameters on a device (nn/device.hpp): the check copies each gradient to the host (a staging
// buffer kept across steps), then each update is queued on the device, one parameter after another.
template <class T>
void Optimizer<T>::step_on_device() {
  const Device device = params_[0].param->value.device();
  for (const NamedParameter<T>& p : params_)
    if (p.param->value.device() != device || p.param->grad.device() != device)
      throw std::invalid_argument(describe() + ": parameter '" + p.name + "' is on " +
                                  device_name(p.param->value.device()) + ", the first on " + device_name(device) +
                                  " (move the whole model with nn::to_device)");
  if (check_finite_)
    for (const NamedParameter<T>& p : params_) {
      const Tensor<T>& g = p.param->grad;
      staging_.resize(std::max(staging_.size(), static_cast<std::size_t>(g.numel())));
      device_copy(staging_.data(), Device::CPU, g.data(), device, g.bytes());
      for (index_t i = 0; i < g.numel(); ++i)
        if (!std::isfinite(staging_[static_cast<std::size_t>(i)]))
          throw NonFiniteGradient(describe() + " step " + std::to_string(steps_ + 1) + ": gradient of '" + p.name +
                                  "' has a non-finite value at element " + std::to_string(i));
    }
  for (std::size_t k = 0; k < params_.size(); ++k) update(k);
  ++steps_;
}

template <class T>
void Optimizer<T>::zero_grad() {
  for (const NamedParameter<T>& p : params_) p.param->zero_grad();
}

template <class T>
std::vector<Tensor<T>> Optimizer<T>::zeros_like_parameters() const {
  std::vector<Tensor<T>> out;
  out.reserve(params_.size());
  for (const NamedParameter<T>& p : params_) {
    Tensor<T>& t = out.emplace_back(p.param->shape(), p.param->value.device());  // on the parameter's device
    t.fill(T(0));
  }
  return out;
}

template <class T>
std::vector<NamedTensor<T>> Optimizer<T>::named(const std::string& prefix, std::vector<Tensor<T>>& buffers) const {
  std::vector<NamedTensor<T>> out;
  for (std::size_t k = 0; k < buffers.size(); ++k) out.push_back({prefix + "." + params_[k].name, &buffers[k]});
  return out;
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace dg::nn
