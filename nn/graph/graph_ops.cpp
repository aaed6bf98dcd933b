// Graph tape helpers: edge differences, aggregation over receivers, the split first edge layer.
#include "nn/graph/graph_ops.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string>

namespace dg::nn {

namespace {

std::span<const std::int32_t> receivers(const GraphBatch& g) { return g.receivers; }
std::span<const std::int32_t> senders(const GraphBatch& g) { return g.senders; }

}  // namespace

const char* aggregation_name(Aggregation a) { return a == Aggregation::Sum ? "sum" : "mean"; }

template <class T>
void require_rows(const char* who, const char* what, Var<T> v, index_t rows, index_t cols) {
  if (!v.valid()) throw std::invalid_argument(std::string(who) + ": " + what + " is an empty Var");
  const Shape& s = v.shape();
  if (s.rank != 2 || s[0] != rows || (cols >= 0 && s[1] != cols))
    throw ShapeError(std::string(who) + ": " + what + " must be (" + std::to_string(rows) + ", " +
                     (cols >= 0 ? std::to_string(cols) : std::string("C")) + "), got " + s.str());
}

template <class T>
Var<T> edge_difference(const GraphBatch& g, Var<T> x) {
  return gather_rows(x, receivers(g)) - gather_rows(x, senders(g));
}

template <class T>
Var<T> aggregate(const GraphBatch& g, Var<T> m, Aggregation how) {
  return how == Aggregation::Sum ? segment_sum(m, receivers(g), g.num_nodes) : segment_mean(m, receivers(g), g.num_nodes);
}

template <class T>
Var<T> inverse_graph_degree(Tape<T>& tape, const GraphBatch& g) {
  return tape.constant_written(Shape{g.num_nodes, 1}, [&](T* out) {  // (N, 1)
    std::fill(out, out + g.num_nodes, T(0));
    for (index_t b = 0; b < g.num_graphs; ++b) {
      const index_t m = g.graph_size(b);
      const T inv = m > 1 ? T(1) / static_cast<T>(m - 1) : T(0);
      for (std::int32_t i = g.graph_start[b]; i < g.graph_start[b + 1]; ++i) out[i] = inv;
    }
  });
}

template <class T>
Var<T> edge_linear(Tape<T>& tape, Linear<T>& layer, const GraphBatch& g, Var<T> h, Var<T> e, Activation f,
                   const char* who) {
  require_rows(who, "node features", h, g.num_nodes);
  const index_t F = h.cols();
  const index_t A = e.valid() ? e.cols() : 0;
  if (e.valid()) require_rows(who, "edge attributes", e, g.num_edges());
  if (layer.in_features() != 2 * F + A)
    throw ShapeError(std::string(who) + ": the edge layer takes " + std::to_string(layer.in_features()) +
                     " inputs, but [h_i, h_j, e_ij] has 2 * " + std::to_string(F) + " + " + std::to_string(A));
  // Row blocks of W (2F + A, H): receiver, sender and edge parts.
  Var<T> W = tape.param(layer.weight);
  Var<T> b = layer.has_bias() ? tape.param(layer.bias) : Var<T>{};
  Var<T> node_i = linear(h, slice(W, 0, 0, F), b);            // (N, H) h W_i + b
  Var<T> node_j = matmul(h, slice(W, 0, F, F));               // (N, H) h W_j
  Var<T> W_e = A > 0 ? slice(W, 0, 2 * F, A) : Var<T>{};      // (A, H)
  // (E, H) f(node_i[i] + node_j[j] + e W_e): one fused node (autodiff/ops_pair_linear.cpp).
  const std::optional<Act> fused = fused_act(f);
  Var<T> z = pair_linear(node_i, receivers(g), node_j, senders(g), A > 0 ? e : Var<T>{}, W_e, fused.value_or(Act::Identity));
  return fused ? z : activate(f, z);
}

#define DG_GRAPH_OPS(T)                                                                                        \
  template void require_rows(const char*, const char*, Var<T>, index_t, index_t);                              \
  template Var<T> edge_difference(const GraphBatch&, Var<T>);                                                  \
  template Var<T> aggregate(const GraphBatch&, Var<T>, Aggregation);                                           \
  template Var<T> inverse_graph_degree(Tape<T>&, const GraphBatch&);                                           \
  template Var<T> edge_linear(Tape<T>&, Linear<T>&, const GraphBatch&, Var<T>, Var<T>, Activation, const char*);
DG_GRAPH_OPS(float)
DG_GRAPH_OPS(double)
#undef DG_GRAPH_OPS

}  // namespace dg::nn
