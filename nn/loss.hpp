// Loss functions over tape values. Prediction and target must have the same shape (a silent
// broadcast of (B, 1) against (B,) is a classic bug, so it is an error here). Each loss reduces
// its elementwise terms by their mean (default) or sum. With d = prediction - target:
//   mse:          d^2
//   l1:           |d|
//   huber(delta): d^2 / 2 where |d| <= delta, else delta (|d| - delta / 2)       (PyTorch HuberLoss)
//   gaussian_nll: (d^2 / var + log var) / 2  [+ log(2 pi) / 2 when full]       (PyTorch GaussianNLLLoss)
//     with a fixed variance, or a learned log-variance s (var = exp(s), so var > 0 by construction);
//     s may broadcast against the prediction, e.g. (B, 1) per row or (D,) per output.
#pragma once

#include "autodiff/ops.hpp"

namespace dg::nn {

enum class Reduction { Mean, Sum };

template <class T> Var<T> mse_loss(Var<T> prediction, Var<T> target, Reduction r = Reduction::Mean);
template <class T> Var<T> l1_loss(Var<T> prediction, Var<T> target, Reduction r = Reduction::Mean);
template <class T> Var<T> huber_loss(Var<T> prediction, Var<T> target, double delta = 1.0, Reduction r = Reduction::Mean);
template <class T>
Var<T> gaussian_nll_loss(Var<T> mean, Var<T> target, double variance, bool full = false, Reduction r = Reduction::Mean);
template <class T>
Var<T> gaussian_nll_loss_log_var(Var<T> mean, Var<T> log_var, Var<T> target, bool full = false,
                                 Reduction r = Reduction::Mean);

#define DG_NN_LOSS_EXTERN(T)                                                                        \
  extern template Var<T> mse_loss(Var<T>, Var<T>, Reduction);                                       \
  extern template Var<T> l1_loss(Var<T>, Var<T>, Reduction);                                        \
  extern template Var<T> huber_loss(Var<T>, Var<T>, double, Reduction);                             \
  extern template Var<T> gaussian_nll_loss(Var<T>, Var<T>, double, bool, Reduction);               \
  extern template Var<T> gaussian_nll_loss_log_var(Var<T>, Var<T>, Var<T>, bool, Reduction);
DG_NN_LOSS_EXTERN(float)
DG_NN_LOSS_EXTERN(double)
#undef DG_NN_LOSS_EXTERN

}  // namespace dg::nn
