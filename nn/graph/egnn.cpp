// EGNN network: embedding, a list of EGNNLayers and an optional head; the n-body input features.
#include "nn/graph/egnn.hpp"

#include <stdexcept>

#include "autodiff/message.hpp"

namespace dg::nn {

namespace {

EGNNLayerOptions layer_options(const EGNNOptions& o) {
  if (o.in_features <= 0 || o.hidden <= 0 || o.num_layers < 0 || o.out_features < 0 || o.edge_features < 0)
    throw std::invalid_argument("EGNN: sizes must be positive (in " + std::to_string(o.in_features) + ", hidden " +
                                std::to_string(o.hidden) + ", layers " + std::to_string(o.num_layers) + " >= 0, out " +
                                std::to_string(o.out_features) + " >= 0, edge features " +
                                std::to_string(o.edge_features) + " >= 0)");
  EGNNLayerOptions l = o.layer;
  l.edge_features = o.edge_features;
  l.hidden = o.hidden;
  l.out_features = o.hidden;
  return l;
}

}  // namespace

template <class T>
EGNN<T>::EGNN(const EGNNOptions& options, Philox& rng)
    : embedding(options.in_features, layer_options(options).hidden, rng), options_(options) {
  this->register_module("embedding", embedding);
  const EGNNLayerOptions l = layer_options(options);
  for (index_t k = 0; k < options.num_layers; ++k) layers.emplace_back(options.hidden, rng, l);
  this->register_module("layers", layers);
  if (options.out_features > 0) {
    head = std::make_unique<Linear<T>>(options.hidden, options.out_features, rng);
    this->register_module("head", *head);
  }
}

template <class T>
EGNNOutput<T> EGNN<T>::forward(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> x, Var<T> v,
                               Var<T> edge_attributes) {
  require_rows("EGNN", "node input h", h, g.num_nodes, options_.in_features);
  EGNNOutput<T> s{embedding.forward(tape, h), x, v, Var<T>{}};
  for (std::size_t k = 0; k < layers.size(); ++k) s = layers[k].forward(tape, g, s.h, s.x, s.v, edge_attributes);
  if (head) s.h = head->forward(tape, s.h);
  return s;
}

template <class T>
std::string EGNN<T>::describe() const {
  Message s;
  s << "EGNN(in " << options_.in_features << ", hidden " << options_.hidden << ", layers " << options_.num_layers;
  if (options_.edge_features) s << ", edge features " << options_.edge_features;
  if (options_.out_features) s << ", out " << options_.out_features;
  s << ")";
  return s.str();
}

template <class T>
NBodyInputs<T> nbody_inputs(const GraphBatch& g, Var<T> x, Var<T> v, Var<T> q) {
  require_rows("nbody_inputs", "positions x", x, g.num_nodes);
  require_rows("nbody_inputs", "velocities v", v, g.num_nodes, x.cols());
  require_rows("nbody_inputs", "charges q", q, g.num_nodes, 1);
  Var<T> diff = edge_difference(g, x);  // (E, d)
  Var<T> qq = gather_rows(q, std::span<const std::int32_t>(g.receivers)) *
              gather_rows(q, std::span<const std::int32_t>(g.senders));  // (E, 1)
  return {row_norm(v), concat({qq, row_dot(diff, diff)}, 1)};
}

template class EGNN<float>;
template class EGNN<double>;
template NBodyInputs<float> nbody_inputs(const GraphBatch&, Var<float>, Var<float>, Var<float>);
template NBodyInputs<double> nbody_inputs(const GraphBatch&, Var<double>, Var<double>, Var<double>);

}  // namespace dg::nn
