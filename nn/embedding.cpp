// Embedding: table setup and the row gather.
#include "nn/embedding.hpp"

#include <stdexcept>

#include "autodiff/ops.hpp"

namespace dg::nn {

template <class T>
Embedding<T>::Embedding(index_t num_embeddings, index_t dim, Philox& rng, const Init& init)
    : num_(num_embeddings), dim_(dim) {
  if (num_embeddings <= 0 || dim <= 0)
    throw std::invalid_argument("Embedding: sizes must be positive, got " + std::to_string(num_embeddings) + " x " +
                                std::to_string(dim));
  weight = Parameter<T>(Shape{num_embeddings, dim});
  initialize(weight.value, init, rng, num_embeddings, dim);
  this->register_parameter("weight", weight);
}

template <class T>
Var<T> Embedding<T>::forward(Tape<T>& tape, std::span<const std::int32_t> indices) {
  for (std::size_t i = 0; i < indices.size(); ++i)
    if (indices[i] < 0 || indices[i] >= num_)
      throw ShapeError(describe() + ": index " + std::to_string(indices[i]) + " at position " + std::to_string(i) +
                       " is out of range [0, " + std::to_string(num_) + ")");
  return gather_rows(tape.param(weight), indices);  // (N, dim)
}

template <class T>
std::string Embedding<T>::describe() const {
  return "Embedding(" + std::to_string(num_) + ", " + std::to_string(dim_) + ")";
}

template class Embedding<float>;
template class Embedding<double>;

}  // namespace dg::nn
