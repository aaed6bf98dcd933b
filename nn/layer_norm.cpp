// LayerNorm: composed of tape ops (row means, centring, inverse standard deviation, affine).
#include "nn/layer_norm.hpp"

#include <cmath>
#include <stdexcept>

#include "autodiff/message.hpp"
#include "nn/feature_rows.hpp"

namespace dg::nn {

template <class T>
LayerNorm<T>::LayerNorm(index_t features, double eps, bool affine) : features_(features), eps_(eps), affine_(affine) {
  if (features <= 0) throw std::invalid_argument("LayerNorm: features must be positive, got " + std::to_string(features));
  if (!(eps > 0) || !std::isfinite(eps))
    throw std::invalid_argument("LayerNorm: eps must be positive and finite, got " + std::to_string(eps));
  weight = Parameter<T>(affine ? Shape{features} : Shape{0});
  bias = Parameter<T>(affine ? Shape{features} : Shape{0});
  if (affine) {
    weight.value.fill(T(1));
    this->register_parameter("weight", weight);
    this->register_parameter("bias", bias);
  }
}

template <class T>
Var<T> LayerNorm<T>::forward(Tape<T>& tape, Var<T> x) {
  const Shape input = x.valid() ? x.shape() : Shape{};
  Var<T> rows = as_feature_rows(*this, x, features_);  // (B, F)
  Var<T> centred = rows - mean(rows, 1);                // (B, F) minus (B, 1)
  Var<T> inv_std = pow(mean(square(centred), 1) + eps_, -0.5);  // (B, 1)
  Var<T> y = centred * inv_std;
  if (affine_) y = y * tape.param(weight) + tape.param(bias);  // (F,) broadcast over rows
  return with_leading_dims(y, input);
}

template <class T>
std::string LayerNorm<T>::describe() const {
  Message s;
  s << "LayerNorm(" << features_ << ", eps=" << eps_ << (affine_ ? ")" : ", no affine)");
  return s.str();
}

template class LayerNorm<float>;
template class LayerNorm<double>;

}  // namespace dg::nn
