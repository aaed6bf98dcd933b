// EGNNLayer<T>: the E(n)-equivariant graph convolution of Satorras, Hoogeboom and Welling,
// "E(n) Equivariant Graph Neural Networks" (ICML 2021), with its velocity variant (their eq. 7).
// For each edge j -> i of a GraphBatch:
//
//   m_ij = phi_e(h_i, h_j, |x_i - x_j|^2, a_ij)                                  messages (E, H)
//   u_i  = C_i sum_j (x_i - x_j) phi_x(m_ij)                                     coordinate update (N, d)
//   x_i' = x_i + u_i                                           (plain variant)
//   v_i' = phi_v(h_i) v_i + u_i,   x_i' = x_i + v_i'           (velocity variant)
//   h_i' = h_i + phi_h(h_i, sum_j m_ij)                        (residual; without it phi_h(...) alone)
//
// C_i (coordinate_scale): Mean: 1 / (in-degree of i), as the authors' code does (segment mean);
// GraphSize: 1 / (M - 1), M the size of i's graph, as the paper writes it; Sum: 1. On a fully
// connected graph Mean and GraphSize agree. coords_weight multiplies C_i.
// Options that users of EGNN codes rely on against explosions:
//   tanh:      phi_x(m) -> coords_range * tanh(phi_x(m)), a bounded coordinate step;
//   normalize: (x_i - x_j) -> (x_i - x_j) / (|x_i - x_j| + 1) in u_i (the radial input stays |x_i - x_j|^2);
//   attention: m_ij -> m_ij sigmoid(w . m_ij + b), a learned gate on each edge.
//
// Networks: phi_e = MLP(2F + 1 + A -> H -> H), activation after both layers (its first layer runs
// split over nodes, see nn/graph/graph_ops.hpp); phi_x = Linear(H, H), activation, Linear(H, 1)
// without bias initialised xavier_uniform(gain 0.001), so the first coordinate steps are tiny;
// phi_h = MLP(F + H -> H -> F'); phi_v = MLP(F -> H -> 1). Parameters, in construction order:
// phi_e.layers.{0,1}.*, phi_x.{0.weight, 0.bias, 1.weight}, phi_h.layers.{0,1}.*,
// phi_v.layers.{0,1}.*, attention.{weight, bias}.
//
// Equivariance: for any orthogonal Q (rotations and reflections), translation t and node
// permutation P: (x, v) -> (x Q^T + t, v Q^T) maps (x', v') to (x' Q^T + t, v' Q^T) and u to u Q^T,
// and leaves h' unchanged; P permutes every output's rows. Positions may have any dimension d.
//
// Dimension letters: N nodes, E edges, d space, F node features, A edge attributes, H hidden, F' out.
#pragma once

#include <memory>
#include <string>

#include "nn/graph/graph_batch.hpp"
#include "nn/graph/graph_ops.hpp"
#include "nn/mlp.hpp"

namespace dg::nn {

enum class CoordinateScale { Mean, GraphSize, Sum };

const char* coordinate_scale_name(CoordinateScale c);  // "mean", "graph_size", "sum"

struct EGNNLayerOptions {
  index_t edge_features = 0;   // A (0: no edge attributes)
  index_t hidden = 0;          // H (0: F)
  index_t out_features = 0;    // F' (0: F)
  Activation activation = Activation::Silu;
  bool velocity = false;       // the velocity variant: phi_v, and forward() needs v
  bool residual = true;        // h' = h + phi_h(...); needs F' = F
  bool update_features = true; // false: no phi_h, h' = h (a last layer read only for positions)
  Aggregation feature_aggregation = Aggregation::Sum;  // of m_ij into phi_h's input
  CoordinateScale coordinate_scale = CoordinateScale::Mean;
  double coords_weight = 1.0;
  bool tanh = false;
  double coords_range = 3.0;   // bound of the tanh step
  bool normalize = false;
  bool attention = false;
};

// What one layer computes; v is empty in the plain variant when no velocity was given.
template <class T>
struct EGNNOutput {
  Var<T> h;       // (N, F') features
  Var<T> x;       // (N, d) positions
  Var<T> v;       // (N, d) velocities
  Var<T> update;  // (N, d) u_i = C_i sum_j (x_i - x_j) phi_x(m_ij), before it is added: usable as a force
};

template <class T>
class EGNNLayer : public Module<T> {
 public:
  // node_features = F. Throws std::invalid_argument for impossible sizes or options.
  EGNNLayer(index_t node_features, Philox& rng, const EGNNLayerOptions& options = {});

  // h (N, F), x (N, d), v (N, d) (velocity variant; may be given to the plain variant, which passes
  // it through), edge_attributes (E, A) or empty when A = 0. Checks every shape and the graph.
  EGNNOutput<T> forward(Tape<T>& tape, const GraphBatch& g, Var<T> h, Var<T> x, Var<T> v = {},
                        Var<T> edge_attributes = {});

  const EGNNLayerOptions& options() const { return options_; }
  index_t in_features() const { return features_; }
  std::string describe() const override;

  MLP<T> phi_e;
  ModuleList<Linear<T>> phi_x;
  std::unique_ptr<MLP<T>> phi_h;         // null when !update_features
  std::unique_ptr<MLP<T>> phi_v;         // null unless velocity
  std::unique_ptr<Linear<T>> attention;  // null unless attention

 private:
  EGNNLayer(index_t F, Philox& rng, const EGNNLayerOptions& resolved, int);
  // (N, d) u_i from the messages m (E, H) and the differences x_i - x_j (E, d).
  Var<T> coordinate_update(Tape<T>& tape, const GraphBatch& g, Var<T> m, Var<T> diff);

  index_t features_;
  EGNNLayerOptions options_;
};

extern template class EGNNLayer<float>;
extern template class EGNNLayer<double>;

}  // namespace dg::nn
