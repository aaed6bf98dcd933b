// GraphBatch: B graphs packed into one, as graph layers consume them. Nodes of all graphs are
// numbered 0..N-1 (graph b's nodes contiguous), edges are (sender, receiver) pairs of global node
// ids, and messages flow sender -> receiver (segment sums run over receivers). Builders make the
// edge lists fully connected, by radius, or by k nearest neighbours, deterministically.
//
// Dimension letters: B graphs, N nodes in all, E edges in all, d spatial dimensions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autodiff/tensor.hpp"

namespace dg::nn {

struct GraphBatch {
  index_t num_graphs = 0;
  index_t num_nodes = 0;
  std::vector<std::int32_t> senders;     // (E) global node id of each edge's source
  std::vector<std::int32_t> receivers;   // (E) global node id of each edge's target
  std::vector<std::int32_t> node_graph;  // (N) the graph each node belongs to
  std::vector<std::int32_t> graph_start; // (B + 1) first node of each graph, then N

  index_t num_edges() const { return static_cast<index_t>(senders.size()); }
  index_t graph_size(index_t b) const { return graph_start[b + 1] - graph_start[b]; }
};

// Throws std::invalid_argument naming `who` unless the graph is consistent: B + 1 graph starts
// rising from 0 to N, N node_graph entries matching them, as many senders as receivers, and every
// edge between two nodes of the same graph. O(N + E); graph layers call it on every forward.
void check_graph(const GraphBatch& g, const char* who);

// B graphs of `nodes_per_graph` nodes each, every ordered pair (i, j), i != j, an edge
// (self loops on request). Edges are ordered by graph, then receiver, then sender. Reuses the
// vectors of `out` (no allocation when the sizes are unchanged).
void fully_connected(index_t num_graphs, index_t nodes_per_graph, GraphBatch& out, bool self_loops = false);
GraphBatch fully_connected(index_t num_graphs, index_t nodes_per_graph, bool self_loops = false);

// Graphs of the given sizes (ragged batches), fully connected.
GraphBatch fully_connected(std::span<const index_t> sizes, bool self_loops = false);

// Edges j -> i within each graph of `layout` where |x_i - x_j| <= radius (i != j).
// positions: (N, d) row-major doubles or floats.
template <class T>
GraphBatch radius_graph(const Tensor<T>& positions, const GraphBatch& layout, double radius);

// Each node receives edges from its k nearest neighbours in its own graph (ties broken by the
// lower node id; fewer when the graph is smaller than k + 1).
template <class T>
GraphBatch knn_graph(const Tensor<T>& positions, const GraphBatch& layout, index_t k);

}  // namespace dg::nn
