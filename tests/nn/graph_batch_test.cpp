// GraphBatch builders: fully connected graphs (uniform and ragged, with and without self loops,
// rebuilt without allocating), radius and k-nearest-neighbour graphs against brute force, and the
// consistency check with one error per kind of damage.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/nn/graph_test_helpers.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

using EdgeSet = std::set<std::pair<std::int32_t, std::int32_t>>;  // (receiver, sender)

EdgeSet edges_of(const GraphBatch& g) {
  EdgeSet s;
  for (std::size_t e = 0; e < g.senders.size(); ++e) s.insert({g.receivers[e], g.senders[e]});
  CHECK(s.size() == g.senders.size());  // no duplicate edges
  return s;
}

template <class T>
double distance(const Tensor<T>& x, index_t i, index_t j) {
  double s = 0;
  for (index_t c = 0; c < x.cols(); ++c) s += std::pow(double(x(i, c)) - double(x(j, c)), 2);
  return std::sqrt(s);
}

}  // namespace

TEST_CASE("fully_connected: every ordered pair within each graph, ordered by graph, receiver, sender") {
  const std::vector<index_t> sizes = {3, 1, 4, 0, 2};
  for (bool loops : {false, true}) {
    CAPTURE(loops);
    const GraphBatch g = fully_connected(std::span<const index_t>(sizes), loops);
    CHECK(g.num_graphs == 5);
    CHECK(g.num_nodes == 10);
    CHECK(g.graph_start == std::vector<std::int32_t>{0, 3, 4, 8, 8, 10});
    CHECK(g.node_graph == std::vector<std::int32_t>{0, 0, 0, 1, 2, 2, 2, 2, 4, 4});
    index_t expected = 0;
    for (index_t m : sizes) expected += m * (loops ? m : m - 1);
    CHECK(g.num_edges() == std::max<index_t>(expected, 0));
    for (std::size_t e = 0; e + 1 < g.senders.size(); ++e)
      CHECK(std::make_tuple(g.node_graph[g.receivers[e]], g.receivers[e], g.senders[e]) <
            std::make_tuple(g.node_graph[g.receivers[e + 1]], g.receivers[e + 1], g.senders[e + 1]));
    for (std::size_t e = 0; e < g.senders.size(); ++e) {
      CHECK(g.node_graph[g.senders[e]] == g.node_graph[g.receivers[e]]);
      CHECK((loops || g.senders[e] != g.receivers[e]));
    }
    CHECK_NOTHROW(check_graph(g, "test"));
  }
  // The uniform builder agrees with the ragged one.
  const std::vector<index_t> five(7, 5);
  const GraphBatch a = fully_connected(7, 5), b = fully_connected(std::span<const index_t>(five));
  CHECK(a.senders == b.senders);
  CHECK(a.receivers == b.receivers);
  CHECK(a.num_edges() == 7 * 5 * 4);
}

TEST_CASE("fully_connected(B, n, out) rebuilds a batch in place, allocating nothing when the sizes repeat") {
  GraphBatch g;
  fully_connected(100, 5, g);
  const std::int32_t* senders = g.senders.data();
  const std::int32_t* receivers = g.receivers.data();
  fully_connected(100, 5, g);
  CHECK(g.senders.data() == senders);
  CHECK(g.receivers.data() == receivers);
  fully_connected(50, 4, g);  // smaller: rebuilt in the same vectors
  CHECK(g.num_edges() == 50 * 4 * 3);
  CHECK(g.senders.data() == senders);
  CHECK(edges_of(g) == edges_of(fully_connected(50, 4)));
  CHECK_THROWS_AS(fully_connected(-1, 3, g), std::invalid_argument);
}

TEST_CASE_TEMPLATE("radius_graph and knn_graph agree with brute force on ragged batches", T, float, double) {
  const std::vector<index_t> sizes = {7, 1, 12, 5};
  const GraphBatch layout = fully_connected(std::span<const index_t>(sizes));
  const Tensor<T> x = test::uniform_tensor<T>(Shape{layout.num_nodes, 3}, 8);
  for (double radius : {0.0, 0.5, 0.9, 10.0}) {
    CAPTURE(radius);
    const GraphBatch g = radius_graph(x, layout, radius);
    CHECK_NOTHROW(check_graph(g, "test"));
    EdgeSet want;
    for (index_t b = 0; b < layout.num_graphs; ++b)
      for (std::int32_t i = layout.graph_start[b]; i < layout.graph_start[b + 1]; ++i)
        for (std::int32_t j = layout.graph_start[b]; j < layout.graph_start[b + 1]; ++j)
          if (i != j && distance(x, i, j) <= radius) want.insert({i, j});
    CHECK(edges_of(g) == want);
  }
  for (index_t k : {0, 1, 3, 6, 20}) {
    CAPTURE(k);
    const GraphBatch g = knn_graph(x, layout, k);
    CHECK_NOTHROW(check_graph(g, "test"));
    EdgeSet want;
    for (index_t b = 0; b < layout.num_graphs; ++b)
      for (std::int32_t i = layout.graph_start[b]; i < layout.graph_start[b + 1]; ++i) {
        std::vector<std::pair<double, std::int32_t>> all;  // every other node of the graph, nearest first
        for (std::int32_t j = layout.graph_start[b]; j < layout.graph_start[b + 1]; ++j)
          if (j != i) all.push_back({distance(x, i, j), j});
        std::sort(all.begin(), all.end());
        for (std::size_t n = 0; n < std::min<std::size_t>(all.size(), static_cast<std::size_t>(k)); ++n)
          want.insert({i, all[n].second});
      }
    CHECK(edges_of(g) == want);
  }
}

TEST_CASE("knn_graph breaks distance ties by the lower node id") {
  // Node 0 at the origin, nodes 1-4 all at distance 1: the 2 nearest are 1 and 2.
  const Tensor<double> x(Shape{5, 2}, {0, 0, 1, 0, 0, 1, -1, 0, 0, -1});
  const GraphBatch g = knn_graph(x, fully_connected(1, 5), 2);
  CHECK(edges_of(g).count({0, 1}) == 1);
  CHECK(edges_of(g).count({0, 2}) == 1);
  CHECK(edges_of(g).count({0, 3}) == 0);
}

TEST_CASE("graph builders and check_graph reject bad input, naming the problem") {
  const GraphBatch layout = fully_connected(2, 3);
  const Tensor<float> x = test::uniform_tensor<float>(Shape{6, 2}, 1);
  CHECK_THROWS_AS(radius_graph(x, layout, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(radius_graph(x, layout, std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(radius_graph(test::uniform_tensor<float>(Shape{5, 2}, 1), layout, 1.0), ShapeError);
  CHECK_THROWS_AS(knn_graph(x, layout, -1), std::invalid_argument);
  CHECK_THROWS_AS(knn_graph(Tensor<float>(Shape{6}), layout, 1), ShapeError);
  const std::vector<index_t> negative = {2, -1};
  CHECK_THROWS_AS(fully_connected(std::span<const index_t>(negative)), std::invalid_argument);

  auto damaged = [&](auto change) {
    GraphBatch g = layout;
    change(g);
    return g;
  };
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) { g.senders.pop_back(); }), "Layer"),
                       "Layer: bad GraphBatch: 11 senders for 12 receivers", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) { g.receivers[3] = 6; }), "Layer"),
                       "Layer: bad GraphBatch: edge 3 (2 -> 6) names a node outside [0, 6)", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) { g.senders[0] = -1; }), "Layer"),
                       "Layer: bad GraphBatch: edge 0 (-1 -> 0) names a node outside [0, 6)", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) { g.senders[0] = 3; }), "Layer"),
                       "Layer: bad GraphBatch: edge 0 (3 -> 0) joins two graphs", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) { g.node_graph[1] = 1; }), "Layer"),
                       "Layer: bad GraphBatch: node 1 is listed in graph 1 but lies in graph 0", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) { g.graph_start.pop_back(); }), "Layer"),
                       "Layer: bad GraphBatch: 2 graph starts for 2 graphs", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) { g.num_nodes = 7; }), "Layer"),
                       "Layer: bad GraphBatch: graph starts must run from 0 to 7", std::invalid_argument);
  CHECK_THROWS_WITH_AS(check_graph(damaged([](GraphBatch& g) {
                         g.graph_start = {0, 4, 3};
                         g.num_nodes = 3;
                         g.node_graph.resize(3);
                       }),
                                   "Layer"),
                       "Layer: bad GraphBatch: graph starts decrease at graph 1", std::invalid_argument);
}
