// MessagePassing: option checks, the two MLPs, and the forward (messages, aggregation, node update).
#include "nn/graph/message_passing.hpp"

#include <stdexcept>

namespace dg::nn {

namespace {

// The options with defaults filled in (M = H, F' = F), checked before any layer is built.
MessagePassingOptions resolve(index_t F, MessagePassingOptions o) {
  if (o.message_width == 0) o.message_width = o.hidden;
  if (o.out_features == 0) o.out_features = F;
  if (F <= 0 || o.edge_features < 0 || o.hidden <= 0 || o.message_width <= 0 || o.out_features <= 0)
    throw std::invalid_argument("MessagePassing: sizes must be positive (node features " + std::to_string(F) +
                                ", edge features " + std::to_string(o.edge_features) + " >= 0, hidden " +
                                std::to_string(o.hidden) + ", message width " + std::to_string(o.message_width) +
                                ", out features " + std::to_string(o.out_features) + ")");
  if (o.residual && o.out_features != F)
    throw std::invalid_argument("MessagePassing: a residual needs out features (" + std::to_string(o.out_features) +
                                ") equal to node features (" + std::to_string(F) + ")");
  return o;
}

MLPOptions mlp_options(const MessagePassingOptions& o, bool activate_output) {
  return {.activation = o.activation, .final_activation = activate_output ? o.activation : Activation::Identity};
}

}  // namespace

template <class T>
MessagePassing<T>::MessagePassing(index_t node_features, Philox& rng, const MessagePassingOptions& options)
    : MessagePassing(node_features, rng, resolve(node_features, options), 0) {}

// o is resolved; layers are built (and the engine consumed) in the order phi_e, phi_h.
template <class T>
MessagePassing<T>::MessagePassing(index_t F, Philox& rng, const MessagePassingOptions& o, int)
    : phi_e({2 * F + o.edge_features, o.hidden, o.message_width}, rng, mlp_options(o, true)),
      phi_h({F + o.message_width, o.hidden, o.out_features}, rng, mlp_options(o, false)),
      features_(F),
      options_(o) {
  this->register_module("phi_e", phi_e);
  this->register_module("phi_h", phi_h);
}

template <class T>
Var<T> MessagePassing<T>::messages(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> edge_attributes) {
  check_graph(g, "MessagePassing");
  require_rows("MessagePassing", "node features", h, g.num_nodes, features_);
  if (options_.edge_features > 0) require_rows("MessagePassing", "edge attributes", edge_attributes, g.num_edges(), options_.edge_features);
  else if (edge_attributes.valid()) throw std::invalid_argument("MessagePassing: edge attributes given to a layer built without them");
  // First edge layer split over nodes, then the rest of phi_e on the edges.
  Var<T> m = edge_linear(tape, phi_e.layers[0], g, h, edge_attributes, options_.activation, "MessagePassing");  // (E, H)
  for (std::size_t k = 1; k < phi_e.layers.size(); ++k) m = phi_e.layers[k].forward(tape, m, options_.activation);
  return m;  // (E, M)
}

template <class T>
Var<T> MessagePassing<T>::forward(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> edge_attributes) {
  Var<T> a = aggregate(g, messages(tape, g, h, edge_attributes), options_.aggregation);  // (N, M)
  Var<T> update = phi_h.forward(tape, concat({h, a}, 1));                                 // (N, F')
  return options_.residual ? h + update : update;
}

template <class T>
std::string MessagePassing<T>::describe() const {
  return "MessagePassing(features " + std::to_string(features_) + ", edge features " +
         std::to_string(options_.edge_features) + ", hidden " + std::to_string(options_.hidden) + ", " +
         aggregation_name(options_.aggregation) + ", " + activation_name(options_.activation) +
         (options_.residual ? ", residual)" : ")");
}

template class MessagePassing<float>;
template class MessagePassing<double>;

}  // namespace dg::nn
