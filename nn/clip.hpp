// Gradient clipping by global norm (Pascanu et al. 2013), as PyTorch's clip_grad_norm_: the L2
// norm N of all gradients together; if N > max_norm every gradient is scaled by
// max_norm / (N + 1e-6). The sum of squares runs in double, parameter after parameter in list
// order, so N does not depend on the thread count.
#pragma once

#include <span>
#include <vector>

#include "nn/module.hpp"

namespace dg::nn {

// The global gradient norm of `params`, in double.
template <class T>
double grad_norm(std::span<const NamedParameter<T>> params);

// Clips in place and returns the norm before clipping. Throws std::invalid_argument for
// max_norm <= 0, and NonFiniteGradient (nn/optimizer.hpp) naming the first parameter whose
// gradient holds a NaN or Inf (the gradients are then left unchanged).
template <class T>
double clip_grad_norm(std::span<const NamedParameter<T>> params, double max_norm);

// The same for a parameter list as returned by Module::parameters() or Optimizer::parameters().
template <class T>
double grad_norm(const std::vector<NamedParameter<T>>& params) {
  return grad_norm(std::span<const NamedParameter<T>>(params));
}
template <class T>
double clip_grad_norm(const std::vector<NamedParameter<T>>& params, double max_norm) {
  return clip_grad_norm(std::span<const NamedParameter<T>>(params), max_norm);
}

extern template double grad_norm<float>(std::span<const NamedParameter<float>>);
extern template double grad_norm<double>(std::span<const NamedParameter<double>>);
extern template double clip_grad_norm<float>(std::span<const NamedParameter<float>>, double);
extern template double clip_grad_norm<double>(std::span<const NamedParameter<double>>, double);

}  // namespace dg::nn
