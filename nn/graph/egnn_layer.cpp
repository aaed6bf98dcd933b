// EGNNLayer: option checks, the phi networks, and the forward of the equations in egnn_layer.hpp.
#include "nn/graph/egnn_layer.hpp"

#include <cmath>
#include <stdexcept>

#include "autodiff/message.hpp"

namespace dg::nn {

namespace {

constexpr const char* kWho = "EGNNLayer";

// The options with defaults filled in (H = F, F' = F), checked before any layer is built.
EGNNLayerOptions resolve(index_t F, EGNNLayerOptions o) {
  if (o.hidden == 0) o.hidden = F;
  if (o.out_features == 0 || !o.update_features) o.out_features = F;
  if (F <= 0 || o.edge_features < 0 || o.hidden <= 0 || o.out_features <= 0)
    throw std::invalid_argument("EGNNLayer: sizes must be positive (node features " + std::to_string(F) +
                                ", edge features " + std::to_string(o.edge_features) + " >= 0, hidden " +
                                std::to_string(o.hidden) + ", out features " + std::to_string(o.out_features) + ")");
  if (o.residual && o.out_features != F)
    throw std::invalid_argument("EGNNLayer: a residual needs out features (" + std::to_string(o.out_features) +
                                ") equal to node features (" + std::to_string(F) + ")");
  if (!std::isfinite(o.coords_weight) || !std::isfinite(o.coords_range) || o.coords_range <= 0)
    throw std::invalid_argument("EGNNLayer: coords_weight must be finite and coords_range finite and > 0");
  return o;
}

MLPOptions mlp_options(Activation f, bool activate_output) {
  return {.activation = f, .final_activation = activate_output ? f : Activation::Identity};
}

}  // namespace

const char* coordinate_scale_name(CoordinateScale c) {
  switch (c) {
    case CoordinateScale::Mean: return "mean";
    case CoordinateScale::GraphSize: return "graph_size";
    case CoordinateScale::Sum: return "sum";
  }
  return "?";
}

template <class T>
EGNNLayer<T>::EGNNLayer(index_t node_features, Philox& rng, const EGNNLayerOptions& options)
    : EGNNLayer(node_features, rng, resolve(node_features, options), 0) {}

// o is resolved. The engine is consumed in the order phi_e, phi_x, phi_h, phi_v, attention.
template <class T>
EGNNLayer<T>::EGNNLayer(index_t F, Philox& rng, const EGNNLayerOptions& o, int)
    : phi_e({2 * F + 1 + o.edge_features, o.hidden, o.hidden}, rng, mlp_options(o.activation, true)),
      features_(F),
      options_(o) {
  this->register_module("phi_e", phi_e);
  phi_x.emplace_back(o.hidden, o.hidden, rng);
  phi_x.emplace_back(o.hidden, 1, rng, LinearOptions{.bias = false, .weight_init = Init::xavier_uniform(0.001)});
  this->register_module("phi_x", phi_x);
  if (o.update_features) {
    phi_h = std::make_unique<MLP<T>>(std::vector<index_t>{F + o.hidden, o.hidden, o.out_features}, rng,
                                     mlp_options(o.activation, false));
    this->register_module("phi_h", *phi_h);
  }
  if (o.velocity) {
    phi_v = std::make_unique<MLP<T>>(std::vector<index_t>{F, o.hidden, 1}, rng, mlp_options(o.activation, false));
    this->register_module("phi_v", *phi_v);
  }
  if (o.attention) {
    attention = std::make_unique<Linear<T>>(o.hidden, 1, rng);
    this->register_module("attention", *attention);
  }
}

template <class T>
Var<T> EGNNLayer<T>::coordinate_update(Tape<T>& tape, const GraphBatch& g, Var<T> m, Var<T> diff) {
  // phi_x(m_ij) (E, 1), optionally bounded.
  Var<T> w = phi_x[1].forward(tape, phi_x[0].forward(tape, m, options_.activation));
  if (options_.tanh) w = tanh(w) * options_.coords_range;
  Var<T> trans = diff * w;  // (E, d) (x_i - x_j) phi_x(m_ij)
  Var<T> u;                 // (N, d)
  switch (options_.coordinate_scale) {
    case CoordinateScale::Mean: u = segment_mean(trans, std::span<const std::int32_t>(g.receivers), g.num_nodes); break;
    case CoordinateScale::GraphSize: u = aggregate(g, trans, Aggregation::Sum) * inverse_graph_degree(tape, g); break;
    case CoordinateScale::Sum: u = aggregate(g, trans, Aggregation::Sum); break;
  }
  return options_.coords_weight == 1.0 ? u : u * options_.coords_weight;
}

template <class T>
EGNNOutput<T> EGNNLayer<T>::forward(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> x, Var<T> v,
                                    Var<T> edge_attributes) {
  // Shapes first: every message names the layer and the input.
  check_graph(g, kWho);
  const index_t N = g.num_nodes;
  require_rows(kWho, "node features h", h, N, features_);
  require_rows(kWho, "positions x", x, N);
  const index_t d = x.cols();
  if (options_.velocity && !v.valid()) throw std::invalid_argument("EGNNLayer: the velocity variant needs velocities v");
  if (v.valid()) require_rows(kWho, "velocities v", v, N, d);
  if (options_.edge_features > 0) require_rows(kWho, "edge attributes", edge_attributes, g.num_edges(), options_.edge_features);
  else if (edge_attributes.valid()) throw std::invalid_argument("EGNNLayer: edge attributes given to a layer built without them");

  // Invariant edge inputs: |x_i - x_j|^2 and a_ij.
  Var<T> diff = edge_difference(g, x);                                                  // (E, d)
  Var<T> radial = row_dot(diff, diff);                                                  // (E, 1)
  Var<T> e = edge_attributes.valid() ? concat({radial, edge_attributes}, 1) : radial;   // (E, 1 + A)
  // Messages m_ij, optionally gated.
  Var<T> m = edge_linear(tape, phi_e.layers[0], g, h, e, options_.activation, kWho);    // (E, H)
  m = phi_e.layers[1].forward(tape, m, options_.activation);
  if (attention) m = m * attention->forward(tape, m, Activation::Sigmoid);

  EGNNOutput<T> out;
  if (options_.normalize) diff = diff / (row_norm(diff) + 1.0);
  out.update = coordinate_update(tape, g, m, diff);
  if (options_.velocity) {
    out.v = phi_v->forward(tape, h) * v + out.update;  // (N, 1) * (N, d)
    out.x = x + out.v;
  } else {
    out.v = v;
    out.x = x + out.update;
  }
  // Features from h_i and the aggregated messages.
  if (phi_h) {
    Var<T> dh = phi_h->forward(tape, concat({h, aggregate(g, m, options_.feature_aggregation)}, 1));  // (N, F')
    out.h = options_.residual ? h + dh : dh;
  } else {
    out.h = h;
  }
  return out;
}

template <class T>
std::string EGNNLayer<T>::describe() const {
  const EGNNLayerOptions& o = options_;
  Message s;
  s << "EGNNLayer(features " << features_ << ", hidden " << o.hidden;
  if (o.edge_features) s << ", edge features " << o.edge_features;
  if (o.out_features != features_) s << ", out " << o.out_features;
  s << ", " << activation_name(o.activation) << ", coordinates " << coordinate_scale_name(o.coordinate_scale);
  if (o.coords_weight != 1.0) s << " x " << o.coords_weight;
  if (o.velocity) s << ", velocity";
  if (!o.update_features) s << ", fixed features";
  else s << ", features " << aggregation_name(o.feature_aggregation) << (o.residual ? " residual" : "");
  if (o.tanh) s << ", tanh range " << o.coords_range;
  if (o.normalize) s << ", normalized";
  if (o.attention) s << ", attention";
  s << ")";
  return s.str();
}

template class EGNNLayer<float>;
template class EGNNLayer<double>;

}  // namespace dg::nn
