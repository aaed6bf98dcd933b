// FourierFeatures: the fixed random matrix as a buffer, and the one-node sin/cos forward.
#include "nn/field/fourier_features.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "autodiff/message.hpp"
#include "autodiff/ops.hpp"
#include "nn/feature_rows.hpp"

namespace dg::nn {

template <class T>
FourierFeatures<T>::FourierFeatures(index_t in_dim, Philox& rng, const FourierFeatureOptions& options)
    : in_(in_dim), options_(options) {
  if (in_dim <= 0 || options.frequencies <= 0)
    throw std::invalid_argument("FourierFeatures: sizes must be positive, got in " + std::to_string(in_dim) +
                                ", frequencies " + std::to_string(options.frequencies));
  if (!std::isfinite(options.sigma) || options.sigma <= 0)
    throw std::invalid_argument("FourierFeatures: sigma must be finite and > 0, got " + std::to_string(options.sigma));
  const index_t F = options.frequencies;
  B = Tensor<T>(Shape{in_dim, F});
  for (index_t i = 0; i < B.numel(); ++i) B[i] = static_cast<T>(options.sigma * rng.normal());
  this->register_buffer("B", B);
}

template <class T>
Var<T> FourierFeatures<T>::forward(Tape<T>& tape, Var<T> x) {
  Var<T> rows = as_feature_rows(*this, x, in_);  // (N, d)
  // Constants [2 pi B, 2 pi B] (d, 2F) and [0, pi/2] (2F), written straight into the tape (so
  // the module holds no scratch state and a checkpoint load of B takes effect at once).
  const index_t F = options_.frequencies;
  const T two_pi = static_cast<T>(2 * std::numbers::pi);
  Var<T> w = tape.constant_written(Shape{in_, 2 * F}, [&](T* pw) {
    for (index_t r = 0; r < in_; ++r)
      for (index_t c = 0; c < F; ++c) pw[r * 2 * F + c] = pw[r * 2 * F + F + c] = two_pi * B(r, c);
  });
  Var<T> phase = tape.constant_written(Shape{2 * F}, [&](T* pp) {
    std::fill(pp, pp + F, T(0));
    std::fill(pp + F, pp + 2 * F, static_cast<T>(std::numbers::pi / 2));
  });
  Var<T> y = linear(rows, w, phase, Act::Sin);  // (N, 2F)
  if (options_.include_input) y = concat({y, rows}, 1);
  return with_leading_dims(y, x.shape());
}

template <class T>
std::string FourierFeatures<T>::describe() const {
  Message s;
  s << "FourierFeatures(" << in_ << ", frequencies " << options_.frequencies << ", sigma " << options_.sigma
    << (options_.include_input ? ", with input)" : ")");
  return s.str();
}

template class FourierFeatures<float>;
template class FourierFeatures<double>;

}  // namespace dg::nn
