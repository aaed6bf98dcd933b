// FiLM: the code-to-modulation generator and the split of its output per layer.
#include "nn/field/film.hpp"

#include <numeric>
#include <stdexcept>

namespace dg::nn {

namespace {

// {Z, [hidden,] 2 sum w}, checked.
std::vector<index_t> generator_widths(index_t code_dim, const std::vector<index_t>& widths, index_t hidden) {
  if (code_dim <= 0 || widths.empty() || hidden < 0)
    throw std::invalid_argument("FiLM: needs a positive code size (got " + std::to_string(code_dim) +
                                "), at least one modulated width and hidden >= 0");
  for (index_t w : widths)
    if (w <= 0) throw std::invalid_argument("FiLM: modulated widths must be positive, got " + std::to_string(w));
  const index_t total = 2 * std::accumulate(widths.begin(), widths.end(), index_t{0});
  if (hidden > 0) return {code_dim, hidden, total};
  return {code_dim, total};
}

}  // namespace

template <class T>
FiLM<T>::FiLM(index_t code_dim, const std::vector<index_t>& widths, Philox& rng, index_t hidden, Activation activation)
    : generator(generator_widths(code_dim, widths, hidden), rng, {.activation = activation}),
      code_dim_(code_dim),
      widths_(widths) {
  this->register_module("generator", generator);
  index_t offset = 0;
  for (index_t w : widths) {
    offsets_.push_back(offset);
    offset += 2 * w;
  }
}

template <class T>
Var<T> FiLM<T>::generate(Tape<T>& tape, Var<T> z) {
  if (!z.valid() || z.shape().rank != 2 || z.cols() != code_dim_)
    throw ShapeError(describe() + ": the code must be (R, " + std::to_string(code_dim_) + "), got " +
                     (z.valid() ? z.shape().str() : std::string("an empty Var")));
  return generator.forward(tape, z);  // (R, 2 sum w)
}

template <class T>
Modulation<T> FiLM<T>::modulation(Var<T> generated, std::size_t l) const {
  const index_t w = widths_.at(l), offset = offsets_[l];
  return {slice(generated, 1, offset, w) + 1.0, slice(generated, 1, offset + w, w)};
}

template <class T>
std::vector<Modulation<T>> FiLM<T>::forward(Tape<T>& tape, Var<T> z) {
  Var<T> g = generate(tape, z);
  std::vector<Modulation<T>> m;
  for (std::size_t l = 0; l < widths_.size(); ++l) m.push_back(modulation(g, l));
  return m;
}

template <class T>
std::string FiLM<T>::describe() const {
  std::string s = "FiLM(code " + std::to_string(code_dim_) + ", widths [";
  for (std::size_t i = 0; i < widths_.size(); ++i) s += (i ? ", " : "") + std::to_string(widths_[i]);
  return s + "])";
}

template class FiLM<float>;
template class FiLM<double>;

}  // namespace dg::nn
