// MLP: builds its Linear layers in order (so the engine is consumed layer by layer) and chains them.
#include "nn/mlp.hpp"

#include <stdexcept>

namespace dg::nn {

template <class T>
MLP<T>::MLP(const std::vector<index_t>& widths, Philox& rng, const MLPOptions& options)
    : widths_(widths), options_(options) {
  if (widths.size() < 2)
    throw std::invalid_argument("MLP: needs at least two widths (in and out), got " + std::to_string(widths.size()));
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) layers.emplace_back(widths[i], widths[i + 1], rng, options.linear);
  this->register_module("layers", layers);
}

template <class T>
Var<T> MLP<T>::forward(Tape<T>& tape, Var<T> x) {
  const std::size_t n = layers.size();
  for (std::size_t i = 0; i < n; ++i)
    x = layers[i].forward(tape, x, i + 1 < n ? options_.activation : options_.final_activation);
  return x;
}

template <class T>
std::string MLP<T>::describe() const {
  std::string s = "MLP([";
  for (std::size_t i = 0; i < widths_.size(); ++i) s += (i ? ", " : "") + std::to_string(widths_[i]);
  s += std::string("], ") + activation_name(options_.activation);
  if (options_.final_activation != Activation::Identity) s += std::string(", final ") + activation_name(options_.final_activation);
  return s + ")";
}

template class MLP<float>;
template class MLP<double>;

}  // namespace dg::nn
