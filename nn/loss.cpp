// Losses, composed of tape ops; shape checks name the loss.
#include "nn/loss.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace dg::nn {

namespace {

template <class T>
void check_pair(const char* loss, Var<T> prediction, Var<T> target) {
  if (!prediction.valid() || !target.valid()) throw std::invalid_argument(std::string(loss) + ": empty Var");
  if (prediction.shape() != target.shape())
    throw_shape_error(loss, "prediction and target shapes differ", prediction.shape(), target.shape());
}

template <class T>
Var<T> reduce(Var<T> terms, Reduction r) {
  return r == Reduction::Mean ? mean(terms) : sum(terms);
}

}  // namespace

template <class T>
Var<T> mse_loss(Var<T> prediction, Var<T> target, Reduction r) {
  check_pair("mse_loss", prediction, target);
  return reduce(square(prediction - target), r);
}

template <class T>
Var<T> l1_loss(Var<T> prediction, Var<T> target, Reduction r) {
  check_pair("l1_loss", prediction, target);
  return reduce(abs(prediction - target), r);
}

template <class T>
Var<T> huber_loss(Var<T> prediction, Var<T> target, double delta, Reduction r) {
  check_pair("huber_loss", prediction, target);
  if (!(delta > 0) || !std::isfinite(delta))
    throw std::invalid_argument("huber_loss: delta must be positive and finite, got " + std::to_string(delta));
  // With a = |d| and q = min(a, delta): q^2 / 2 + delta (a - q) is both branches at once, and
  // its derivative in a is a inside and delta outside (clamp passes gradient strictly inside).
  Var<T> a = abs(prediction - target);
  Var<T> q = clamp(a, 0.0, delta);
  return reduce(0.5 * square(q) + delta * (a - q), r);
}

template <class T>
Var<T> gaussian_nll_loss(Var<T> mean, Var<T> target, double variance, bool full, Reduction r) {
  check_pair("gaussian_nll_loss", mean, target);
  if (!(variance > 0) || !std::isfinite(variance))
    throw std::invalid_argument("gaussian_nll_loss: variance must be positive and finite, got " +
                                std::to_string(variance));
  const double constant = 0.5 * std::log(variance) + (full ? 0.5 * std::log(2 * std::numbers::pi) : 0.0);
  return reduce(square(mean - target) * (0.5 / variance) + constant, r);
}

template <class T>
Var<T> gaussian_nll_loss_log_var(Var<T> mean, Var<T> log_var, Var<T> target, bool full, Reduction r) {
  check_pair("gaussian_nll_loss_log_var", mean, target);
  if (!log_var.valid()) throw std::invalid_argument("gaussian_nll_loss_log_var: empty log-variance Var");
  if (broadcast_shapes("gaussian_nll_loss_log_var", log_var.shape(), mean.shape()) != mean.shape())
    throw_shape_error("gaussian_nll_loss_log_var", "log-variance does not broadcast to the prediction", log_var.shape(),
                      mean.shape());
  // (d^2 exp(-s) + s) / 2, then the constant.
  Var<T> terms = 0.5 * (square(mean - target) * exp(-log_var) + log_var);
  if (full) terms = terms + 0.5 * std::log(2 * std::numbers::pi);
  return reduce(terms, r);
}

#define DG_NN_LOSS_INSTANTIATE(T)                                                       \
  template Var<T> mse_loss(Var<T>, Var<T>, Reduction);                                  \
  template Var<T> l1_loss(Var<T>, Var<T>, Reduction);                                   \
  template Var<T> huber_loss(Var<T>, Var<T>, double, Reduction);                        \
  template Var<T> gaussian_nll_loss(Var<T>, Var<T>, double, bool, Reduction);          \
  template Var<T> gaussian_nll_loss_log_var(Var<T>, Var<T>, Var<T>, bool, Reduction);
DG_NN_LOSS_INSTANTIATE(float)
DG_NN_LOSS_INSTANTIATE(double)

}  // namespace dg::nn
