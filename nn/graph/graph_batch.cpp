// Builders of GraphBatch edge lists: fully connected, radius and k-nearest-neighbour graphs.
#include "nn/graph/graph_batch.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dg::nn {

namespace {

void set_layout(std::span<const index_t> sizes, GraphBatch& g) {
  g.num_graphs = static_cast<index_t>(sizes.size());
  g.graph_start.resize(sizes.size() + 1);
  index_t n = 0;
  for (std::size_t b = 0; b < sizes.size(); ++b) {
    if (sizes[b] < 0) throw std::invalid_argument("GraphBatch: graph " + std::to_string(b) + " has a negative size");
    g.graph_start[b] = static_cast<std::int32_t>(n);
    n += sizes[b];
  }
  if (n > INT32_MAX) throw std::invalid_argument("GraphBatch: more than 2^31 nodes");
  g.graph_start[sizes.size()] = static_cast<std::int32_t>(n);
  g.num_nodes = n;
  g.node_graph.resize(static_cast<std::size_t>(n));
  for (std::size_t b = 0; b < sizes.size(); ++b)
    std::fill(g.node_graph.begin() + g.graph_start[b], g.node_graph.begin() + g.graph_start[b + 1], static_cast<std::int32_t>(b));
}

void connect_all(GraphBatch& g, bool self_loops) {
  g.senders.clear();
  g.receivers.clear();
  for (index_t b = 0; b < g.num_graphs; ++b)
    for (std::int32_t i = g.graph_start[b]; i < g.graph_start[b + 1]; ++i)
      for (std::int32_t j = g.graph_start[b]; j < g.graph_start[b + 1]; ++j)
        if (i != j || self_loops) {
          g.receivers.push_back(i);
          g.senders.push_back(j);
        }
}

template <class T>
double squared_distance(const Tensor<T>& x, index_t i, index_t j) {
  double s = 0;
  for (index_t c = 0; c < x.cols(); ++c) {
    const double d = static_cast<double>(x(i, c)) - static_cast<double>(x(j, c));
    s += d * d;
  }
  return s;
}

template <class T>
void check_positions(const char* who, const Tensor<T>& x, const GraphBatch& layout) {
  if (x.shape().rank != 2 || x.rows() != layout.num_nodes)
    throw_shape_error(who, "positions must be (N, d) with N = " + std::to_string(layout.num_nodes), x.shape());
}

}  // namespace

void check_graph(const GraphBatch& g, const char* who) {
  auto fail = [&](const std::string& what) { throw std::invalid_argument(std::string(who) + ": bad GraphBatch: " + what); };
  if (g.num_graphs < 0 || g.num_nodes < 0) fail("negative sizes");
  if (static_cast<index_t>(g.graph_start.size()) != g.num_graphs + 1)
    fail(std::to_string(g.graph_start.size()) + " graph starts for " + std::to_string(g.num_graphs) + " graphs");
  if (g.graph_start.front() != 0 || g.graph_start.back() != g.num_nodes)
    fail("graph starts must run from 0 to " + std::to_string(g.num_nodes));
  if (static_cast<index_t>(g.node_graph.size()) != g.num_nodes)
    fail(std::to_string(g.node_graph.size()) + " node_graph entries for " + std::to_string(g.num_nodes) + " nodes");
  // Each graph's nodes are a rising block that node_graph agrees with.
  for (index_t b = 0; b < g.num_graphs; ++b)
    if (g.graph_start[b] > g.graph_start[b + 1]) fail("graph starts decrease at graph " + std::to_string(b));
  for (index_t b = 0; b < g.num_graphs; ++b) {
    for (std::int32_t i = g.graph_start[b]; i < g.graph_start[b + 1]; ++i)
      if (g.node_graph[i] != b) fail("node " + std::to_string(i) + " is listed in graph " + std::to_string(g.node_graph[i]) +
                                     " but lies in graph " + std::to_string(b));
  }
  if (g.senders.size() != g.receivers.size())
    fail(std::to_string(g.senders.size()) + " senders for " + std::to_string(g.receivers.size()) + " receivers");
  for (std::size_t e = 0; e < g.senders.size(); ++e) {
    const std::int32_t s = g.senders[e], r = g.receivers[e];
    if (s < 0 || r < 0 || s >= g.num_nodes || r >= g.num_nodes)
      fail("edge " + std::to_string(e) + " (" + std::to_string(s) + " -> " + std::to_string(r) + ") names a node outside [0, " +
           std::to_string(g.num_nodes) + ")");
    if (g.node_graph[s] != g.node_graph[r])
      fail("edge " + std::to_string(e) + " (" + std::to_string(s) + " -> " + std::to_string(r) + ") joins two graphs");
  }
}

void fully_connected(index_t num_graphs, index_t nodes_per_graph, GraphBatch& out, bool self_loops) {
  if (num_graphs < 0 || nodes_per_graph < 0) throw std::invalid_argument("fully_connected: negative size");
  if (out.num_graphs == num_graphs && out.num_nodes == num_graphs * nodes_per_graph &&
      out.num_edges() == num_graphs * nodes_per_graph * (nodes_per_graph - (self_loops ? 0 : 1)) &&
      (num_graphs == 0 || out.graph_size(0) == nodes_per_graph))
    return;  // already this layout
  std::vector<index_t> sizes(static_cast<std::size_t>(num_graphs), nodes_per_graph);
  set_layout(sizes, out);
  connect_all(out, self_loops);
}

GraphBatch fully_connected(index_t num_graphs, index_t nodes_per_graph, bool self_loops) {
  GraphBatch g;
  fully_connected(num_graphs, nodes_per_graph, g, self_loops);
  return g;
}

GraphBatch fully_connected(std::span<const index_t> sizes, bool self_loops) {
  GraphBatch g;
  set_layout(sizes, g);
  connect_all(g, self_loops);
  return g;
}

template <class T>
GraphBatch radius_graph(const Tensor<T>& positions, const GraphBatch& layout, double radius) {
  check_positions("radius_graph", positions, layout);
  if (!(radius >= 0)) throw std::invalid_argument("radius_graph: radius must be >= 0");
  GraphBatch g = layout;
  g.senders.clear();
  g.receivers.clear();
  const double r2 = radius * radius;
  for (index_t b = 0; b < g.num_graphs; ++b)
    for (std::int32_t i = g.graph_start[b]; i < g.graph_start[b + 1]; ++i)
      for (std::int32_t j = g.graph_start[b]; j < g.graph_start[b + 1]; ++j)
        if (i != j && squared_distance(positions, i, j) <= r2) {
          g.receivers.push_back(i);
          g.senders.push_back(j);
        }
  return g;
}

template <class T>
GraphBatch knn_graph(const Tensor<T>& positions, const GraphBatch& layout, index_t k) {
  check_positions("knn_graph", positions, layout);
  if (k < 0) throw std::invalid_argument("knn_graph: k must be >= 0");
  GraphBatch g = layout;
  g.senders.clear();
  g.receivers.clear();
  std::vector<std::pair<double, std::int32_t>> cand;
  for (index_t b = 0; b < g.num_graphs; ++b)
    for (std::int32_t i = g.graph_start[b]; i < g.graph_start[b + 1]; ++i) {
      cand.clear();
      for (std::int32_t j = g.graph_start[b]; j < g.graph_start[b + 1]; ++j)
        if (j != i) cand.emplace_back(squared_distance(positions, i, j), j);
      const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(k), cand.size());
      std::partial_sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(take), cand.end());  // ties: lower id first
      std::sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(take),
                [](const auto& a, const auto& c) { return a.second < c.second; });  // senders in id order
      for (std::size_t e = 0; e < take; ++e) {
        g.receivers.push_back(i);
        g.senders.push_back(cand[e].second);
      }
    }
  return g;
}

template GraphBatch radius_graph(const Tensor<float>&, const GraphBatch&, double);
template GraphBatch radius_graph(const Tensor<double>&, const GraphBatch&, double);
template GraphBatch knn_graph(const Tensor<float>&, const GraphBatch&, index_t);
template GraphBatch knn_graph(const Tensor<double>&, const GraphBatch&, index_t);

}  // namespace dg::nn
