// EGNN<T>: an E(n)-equivariant network, an input embedding followed by L EGNNLayers (and an
// optional output head on the features), as Satorras et al. 2021 use it for the charged n-body
// task (EGNN_vel in their code): 4 velocity layers of 64 features, SiLU, node input h = |v|, edge
// attributes [q_i q_j, |x_i - x_j|^2 at the input], x at the last layer is the prediction.
//
//   EGNN<float> net({.in_features = 1, .edge_features = 2}, rng);   // the n-body settings
//   NBodyInputs<float> in = nbody_inputs(graph, x, v, q);
//   EGNNOutput<float> out = net.forward(tape, graph, in.h, x, v, in.edge_attributes);
//   Var<float> loss = mean(square(out.x - target));
//
// Parameters: embedding.{weight,bias}, layers.<l>.<EGNNLayer parameters>, head.{weight,bias}.
#pragma once

#include <memory>
#include <string>

#include "nn/graph/egnn_layer.hpp"
#include "nn/module_list.hpp"

namespace dg::nn {

struct EGNNOptions {
  index_t in_features = 1;    // width of the node input
  index_t edge_features = 0;  // A
  index_t hidden = 64;        // F = H of every layer
  index_t num_layers = 4;
  index_t out_features = 0;   // width of a Linear head on the last features (0: none, out.h is (N, hidden))
  // Applied to every layer (its edge_features, hidden and out_features are set from the above).
  EGNNLayerOptions layer = {.velocity = true, .residual = true};
};

template <class T>
class EGNN : public Module<T> {
 public:
  EGNN(const EGNNOptions& options, Philox& rng);

  // h (N, in_features), x (N, d), v (N, d) (needed by velocity layers), edge attributes (E, A).
  // out.x, out.v: after the last layer; out.h: features after the head (if any); out.update: the
  // last layer's coordinate update.
  EGNNOutput<T> forward(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> x, Var<T> v = {},
                        Var<T> edge_attributes = {});

  const EGNNOptions& options() const { return options_; }
  std::string describe() const override;

  Linear<T> embedding;
  ModuleList<EGNNLayer<T>> layers;
  std::unique_ptr<Linear<T>> head;  // null when out_features == 0

 private:
  EGNNOptions options_;
};

// The n-body inputs of Satorras et al.: node features |v_i| (N, 1) and edge attributes
// [q_i q_j, |x_i - x_j|^2] (E, 2), all invariant under rotations, reflections and translations.
template <class T>
struct NBodyInputs {
  Var<T> h;                // (N, 1)
  Var<T> edge_attributes;  // (E, 2)
};
// x, v (N, d); charges q (N, 1).
template <class T>
NBodyInputs<T> nbody_inputs(const GraphBatch& g, Var<T> x, Var<T> v, Var<T> q);

extern template class EGNN<float>;
extern template class EGNN<double>;
extern template NBodyInputs<float> nbody_inputs(const GraphBatch&, Var<float>, Var<float>, Var<float>);
extern template NBodyInputs<double> nbody_inputs(const GraphBatch&, Var<double>, Var<double>, Var<double>);

}  // namespace dg::nn
