// Global-norm gradient clipping.
#include "nn/clip.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "autodiff/device_backend.hpp"
#include "nn/optimizer.hpp"

namespace dg::nn {

namespace {

// A gradient's values on the host: the tensor itself, or a copy of one on a device.
template <class T>
std::span<const T> host_values(const Tensor<T>& g, std::vector<T>& copy) {
  if (g.device() == Device::CPU) return {g.data(), static_cast<std::size_t>(g.numel())};
  copy = g.to_vector();
  return copy;
}

}  // namespace

template <class T>
double grad_norm(std::span<const NamedParameter<T>> params) {
  double sum_sq = 0;
  std::vector<T> copy;
  for (const NamedParameter<T>& p : params)
    for (T v : host_values(p.param->grad, copy)) sum_sq += double(v) * double(v);
  return std::sqrt(sum_sq);
}

template <class T>
double clip_grad_norm(std::span<const NamedParameter<T>> params, double max_norm) {
  if (!(max_norm > 0) || !std::isfinite(max_norm))
    throw std::invalid_argument("clip_grad_norm: max_norm must be positive and finite, got " + std::to_string(max_norm));
  const double norm = grad_norm(params);
  if (!std::isfinite(norm)) {
    // Name the culprit (the squares overflow only if some gradient is huge: name that one too).
    std::vector<T> copy;
    for (const NamedParameter<T>& p : params) {
      const std::span<const T> g = host_values(p.param->grad, copy);
      for (std::size_t i = 0; i < g.size(); ++i)
        if (!std::isfinite(g[i]))
          throw NonFiniteGradient("clip_grad_norm: gradient of '" + p.name + "' has a non-finite value at element " +
                                  std::to_string(i));
    }
    throw NonFiniteGradient("clip_grad_norm: the gradient norm overflows double");
  }
  if (norm <= max_norm) return norm;
  const T factor = static_cast<T>(max_norm / (norm + 1e-6));
  for (const NamedParameter<T>& p : params) {
    Tensor<T>& g = p.param->grad;
    if (g.device() != Device::CPU)  // in place on the device: g = factor g
      device_backend<T>(g.device())
          .unary_forward(Op::Scale, g.data(), g.data(), g.numel(), Attributes{.factor = double(factor)});
    else
      for (index_t i = 0; i < g.numel(); ++i) g[i] *= factor;
  }
  return norm;
}

template double grad_norm<float>(std::span<const NamedParameter<float>>);
template double grad_norm<double>(std::span<const NamedParameter<double>>);
template double clip_grad_norm<float>(std::span<const NamedParameter<float>>, double);
template double clip_grad_norm<double>(std::span<const NamedParameter<double>>, double);

}  // namespace dg::nn
