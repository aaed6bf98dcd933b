// Global-norm gradient clipping.
#include "nn/clip.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/optimizer.hpp"

namespace dg::nn {

template <class T>
double grad_norm(std::span<const NamedParameter<T>> params) {
  double sum_sq = 0;
  for (const NamedParameter<T>& p : params) {
    const Tensor<T>& g = p.param->grad;
    for (index_t i = 0; i < g.numel(); ++i) sum_sq += double(g[i]) * double(g[i]);
  }
  return std::sqrt(sum_sq);
}

template <class T>
double clip_grad_norm(std::span<const NamedParameter<T>> params, double max_norm) {
  if (!(max_norm > 0) || !std::isfinite(max_norm))
    throw std::invalid_argument("clip_grad_norm: max_norm must be positive and finite, got " + std::to_string(max_norm));
  const double norm = grad_norm(params);
  if (!std::isfinite(norm)) {
    // Name the culprit (the squares overflow only if some gradient is huge: name that one too).
    for (const NamedParameter<T>& p : params)
      for (index_t i = 0; i < p.param->grad.numel(); ++i)
        if (!std::isfinite(p.param->grad[i]))
          throw NonFiniteGradient("clip_grad_norm: gradient of '" + p.name + "' has a non-finite value at element " +
                                  std::to_string(i));
    throw NonFiniteGradient("clip_grad_norm: the gradient norm overflows double");
  }
  if (norm <= max_norm) return norm;
  const T factor = static_cast<T>(max_norm / (norm + 1e-6));
  for (const NamedParameter<T>& p : params) {
    Tensor<T>& g = p.param->grad;
    for (index_t i = 0; i < g.numel(); ++i) g[i] *= factor;
  }
  return norm;
}

template double grad_norm<float>(std::span<const NamedParameter<float>>);
template double grad_norm<double>(std::span<const NamedParameter<double>>);
template double clip_grad_norm<float>(std::span<const NamedParameter<float>>, double);
template double clip_grad_norm<double>(std::span<const NamedParameter<double>>, double);

}  // namespace dg::nn
