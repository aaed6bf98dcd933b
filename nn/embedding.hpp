// Embedding<T>: a learned table of vectors, one row per token / species / node type; the forward
// gathers the rows named by an index list (gradients scatter-add back into the table).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "nn/init.hpp"
#include "nn/module.hpp"

namespace dg::nn {

template <class T>
class Embedding : public Module<T> {
 public:
  // Rows ~ N(0, 1) by default, as in PyTorch.
  Embedding(index_t num_embeddings, index_t dim, Philox& rng, const Init& init = Init::normal(0, 1));

  // (N,) indices in [0, num_embeddings) -> (N, dim); throws ShapeError naming the first bad index.
  Var<T> forward(Tape<T>& tape, std::span<const std::int32_t> indices);
  Var<T> operator()(Tape<T>& tape, std::span<const std::int32_t> indices) { return forward(tape, indices); }

  index_t num_embeddings() const { return num_; }
  index_t dim() const { return dim_; }
  std::string describe() const override;

  Parameter<T> weight;  // (num_embeddings, dim)

 private:
  index_t num_, dim_;
};

extern template class Embedding<float>;
extern template class Embedding<double>;

}  // namespace dg::nn
