// MessagePassing: the layer against a direct evaluation (the concatenated edge input built row by
// row, plain-loop aggregation), permutation equivariance, finite-difference gradients (parameters
// and inputs), the same bits with 1 and 2 threads, parameter names and errors.
#include <doctest/doctest.h>

#include <type_traits>
#include <vector>

#include "nn/graph/message_passing.hpp"
#include "tests/nn/graph_test_helpers.hpp"
#include "tests/nn/param_gradcheck.hpp"

using namespace dg;
using namespace dg::nn;

TEST_CASE_TEMPLATE("MessagePassing computes h + phi_h([h_i, agg_j phi_e([h_i, h_j, e_ij])])", T, float, double) {
  const GraphBatch g = test::random_graph({4, 1, 5}, 3);
  const index_t N = g.num_nodes, E = g.num_edges(), F = 3, A = 2;
  const Tensor<T> h = test::uniform_tensor<T>(Shape{N, F}, 1), e = test::uniform_tensor<T>(Shape{E, A}, 2);
  for (Aggregation how : {Aggregation::Sum, Aggregation::Mean}) {
    CAPTURE(aggregation_name(how));
    Philox rng(4);
    MessagePassing<T> layer(F, rng, {.edge_features = A, .hidden = 8, .message_width = 6, .aggregation = how});
    Tape<T> tape;
    const Tensor<T> out = layer.forward(tape, g, tape.constant(h), tape.constant(e)).to_tensor();
    REQUIRE(out.shape() == Shape{N, F});
    // Direct route: (E, 2F + A) rows, the whole phi_e MLP, then loops.
    Tensor<T> rows(Shape{E, 2 * F + A});
    for (index_t k = 0; k < E; ++k) {
      for (index_t c = 0; c < F; ++c) rows(k, c) = h(g.receivers[k], c), rows(k, F + c) = h(g.senders[k], c);
      for (index_t c = 0; c < A; ++c) rows(k, 2 * F + c) = e(k, c);
    }
    const Tensor<T> m = layer.phi_e.forward(tape, tape.constant(rows)).to_tensor();  // (E, 6)
    Tensor<T> node_in = Tensor<T>::zeros(Shape{N, F + 6});
    std::vector<int> degree(static_cast<std::size_t>(N), 0);
    for (index_t k = 0; k < E; ++k) {
      ++degree[static_cast<std::size_t>(g.receivers[k])];
      for (index_t c = 0; c < 6; ++c) node_in(g.receivers[k], F + c) += m(k, c);
    }
    for (index_t i = 0; i < N; ++i) {
      for (index_t c = 0; c < F; ++c) node_in(i, c) = h(i, c);
      if (how == Aggregation::Mean && degree[static_cast<std::size_t>(i)] > 0)
        for (index_t c = 0; c < 6; ++c) node_in(i, F + c) /= T(degree[static_cast<std::size_t>(i)]);
    }
    const Tensor<T> dh = layer.phi_h.forward(tape, tape.constant(node_in)).to_tensor();
    const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    for (index_t k = 0; k < N * F; ++k) CHECK(double(out[k]) == doctest::Approx(double(h[k]) + double(dh[k])).epsilon(tol).scale(1));
  }
}

TEST_CASE_TEMPLATE("MessagePassing is permutation-equivariant", T, float, double) {
  const GraphBatch g = test::random_graph({6, 3, 5}, 4);
  const index_t N = g.num_nodes, E = g.num_edges();
  const Tensor<T> h = test::uniform_tensor<T>(Shape{N, 4}, 1), e = test::uniform_tensor<T>(Shape{E, 1}, 2);
  Philox rng(5);
  MessagePassing<T> layer(4, rng, {.edge_features = 1, .hidden = 16, .out_features = 3, .residual = false});
  auto run = [&](const GraphBatch& graph, const Tensor<T>& hs) {
    Tape<T> tape;
    return layer.forward(tape, graph, tape.constant(hs), tape.constant(e)).to_tensor();
  };
  const std::vector<std::int32_t> perm = test::random_node_permutation(g, 6);
  const Tensor<T> base = run(g, h), permuted = run(test::permute_graph(g, perm), test::permute_rows(h, perm));
  const Tensor<T> expected = test::permute_rows(base, perm);
  CHECK(test::relative_difference(expected.data(), permuted.data(), expected.numel()) <
        (std::is_same_v<T, float> ? 1e-5 : 1e-12));
}

TEST_CASE("MessagePassing gradients match finite differences (parameters and inputs)") {
  const GraphBatch g = test::random_graph({4, 3}, 2);
  Tensor<double> h = test::uniform_tensor<double>(Shape{g.num_nodes, 3}, 1);
  Tensor<double> e = test::uniform_tensor<double>(Shape{g.num_edges(), 2}, 2);
  for (Aggregation how : {Aggregation::Sum, Aggregation::Mean}) {
    CAPTURE(aggregation_name(how));
    Philox rng(8);
    MessagePassing<double> layer(3, rng, {.edge_features = 2, .hidden = 5, .aggregation = how, .activation = Activation::Tanh});
    test::check_parameter_gradients(layer, [&](Tape<double>& t) { return layer.forward(t, g, t.constant(h), t.constant(e)); });
    test::check_input_gradient(h, [&](Tape<double>& t, Var<double> v) { return layer.forward(t, g, v, t.constant(e)); });
    test::check_input_gradient(e, [&](Tape<double>& t, Var<double> v) { return layer.forward(t, g, t.constant(h), v); });
  }
}

TEST_CASE("MessagePassing gives the same bits with 1 and 2 threads") {
  const GraphBatch g = fully_connected(80, 6);  // 2400 edges
  const Tensor<float> h = test::uniform_tensor<float>(Shape{g.num_nodes, 16}, 1);
  test::check_same_bits_with_1_and_2_threads([&] {
    Philox rng(2);
    MessagePassing<float> layer(16, rng, {.hidden = 32, .aggregation = Aggregation::Mean});
    Tape<float> tape;
    Var<float> out = layer.forward(tape, g, tape.constant(h));
    tape.backward(sum(square(out)));
    std::vector<float> bits(out.data(), out.data() + out.numel());
    for (const NamedParameter<float>& p : layer.parameters())
      bits.insert(bits.end(), p.param->grad.data(), p.param->grad.data() + p.param->grad.numel());
    return bits;
  });
}

TEST_CASE("MessagePassing names its parameters and rejects bad input") {
  Philox rng(1);
  MessagePassing<float> layer(4, rng, {.edge_features = 2, .hidden = 8});
  std::vector<std::string> names;
  for (const NamedParameter<float>& p : layer.parameters()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"phi_e.layers.0.weight", "phi_e.layers.0.bias", "phi_e.layers.1.weight",
                                          "phi_e.layers.1.bias", "phi_h.layers.0.weight", "phi_h.layers.0.bias",
                                          "phi_h.layers.1.weight", "phi_h.layers.1.bias"});
  CHECK(layer.phi_e.layers[0].weight.shape() == Shape{10, 8});
  const GraphBatch g = fully_connected(2, 3);
  Tape<float> tape;
  Var<float> h = tape.zeros(Shape{6, 4}), e = tape.zeros(Shape{12, 2});
  CHECK(layer.forward(tape, g, h, e).shape() == Shape{6, 4});
  CHECK_THROWS_WITH_AS(layer.forward(tape, g, tape.zeros(Shape{5, 4}), e),
                       "MessagePassing: node features must be (6, 4), got (5, 4)", ShapeError);
  CHECK_THROWS_WITH_AS(layer.forward(tape, g, h, tape.zeros(Shape{12, 3})),
                       "MessagePassing: edge attributes must be (12, 2), got (12, 3)", ShapeError);
  CHECK_THROWS_AS(layer.forward(tape, g, h), std::invalid_argument);
  MessagePassing<float> plain(4, rng);
  CHECK_THROWS_AS(plain.forward(tape, g, h, e), std::invalid_argument);
  CHECK_THROWS_AS(MessagePassing<float>(4, rng, {.out_features = 3}), std::invalid_argument);
  CHECK_THROWS_AS(MessagePassing<float>(4, rng, {.hidden = 0}), std::invalid_argument);
}
