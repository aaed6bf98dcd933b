// MessagePassing<T>: one round of message passing on a GraphBatch (Gilmer et al. 2017, in the form
// of Battaglia et al. 2018's graph network block without global state):
//
//   m_ij = phi_e([h_i, h_j, e_ij])            edge MLP, messages from sender j to receiver i
//   a_i  = sum_j m_ij   (or the mean)         aggregation over the edges into i
//   h_i' = h_i + phi_h([h_i, a_i])            node MLP, with the residual when the widths agree
//
// phi_e = MLP(2F + A -> H -> M), activation after both layers; phi_h = MLP(F + M -> H -> F'),
// activation between. Its first edge layer runs split over nodes (nn/graph/graph_ops.hpp).
// Permuting the nodes (and relabelling the edges with them) permutes the output rows.
//
// Dimension letters: N nodes, E edges, F node features, A edge features, M message width,
// H hidden width, F' output features.
//
// Parameters: phi_e.layers.{0,1}.{weight,bias}, phi_h.layers.{0,1}.{weight,bias}.
#pragma once

#include <string>

#include "nn/graph/graph_batch.hpp"
#include "nn/graph/graph_ops.hpp"
#include "nn/mlp.hpp"

namespace dg::nn {

struct MessagePassingOptions {
  index_t edge_features = 0;   // A (0: no edge attributes)
  index_t hidden = 64;         // H
  index_t message_width = 0;   // M (0: H)
  index_t out_features = 0;    // F' (0: F)
  Aggregation aggregation = Aggregation::Sum;
  Activation activation = Activation::Silu;
  bool residual = true;        // h + phi_h(...); needs F' = F
};

template <class T>
class MessagePassing : public Module<T> {
 public:
  // node_features = F. Throws std::invalid_argument for impossible sizes or a residual with F' != F.
  MessagePassing(index_t node_features, Philox& rng, const MessagePassingOptions& options = {});

  // h (N, F), edge_attributes (E, A) or an empty Var when A = 0 -> h' (N, F').
  Var<T> forward(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> edge_attributes = {});
  // The messages m_ij (E, M) alone.
  Var<T> messages(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> edge_attributes = {});

  const MessagePassingOptions& options() const { return options_; }
  std::string describe() const override;

  MLP<T> phi_e;
  MLP<T> phi_h;

 private:
  MessagePassing(index_t F, Philox& rng, const MessagePassingOptions& resolved, int);

  index_t features_;
  MessagePassingOptions options_;
};

extern template class MessagePassing<float>;
extern template class MessagePassing<double>;

}  // namespace dg::nn
