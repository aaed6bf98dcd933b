// EGNN: outputs transform as they should under random rotations, reflections, translations and
// node permutations (positions and velocities rotate and permute, features stay), for every
// option and several space dimensions; the layer equations against a direct evaluation; gradients
// through two layers against central finite differences (parameters and inputs); the same bits
// with 1 and 2 threads; clear errors for bad input.
#include <doctest/doctest.h>

#include <type_traits>
#include <vector>

#include "nn/graph/egnn.hpp"
#include "tests/nn/graph_test_helpers.hpp"
#include "tests/nn/param_gradcheck.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

template <class T>
constexpr double kTol = std::is_same_v<T, float> ? 1e-5 : 1e-10;

// Makes the coordinate steps large enough to matter (the default gain 0.001 keeps them tiny).
template <class T>
void enlarge_coordinate_steps(EGNN<T>& net, std::uint64_t seed) {
  Philox rng(seed, 5);
  for (std::size_t l = 0; l < net.layers.size(); ++l)
    initialize(net.layers[l].phi_x[1].weight.value, Init::xavier_uniform(1.0), rng);
}

struct Inputs {
  GraphBatch g;
  index_t d;
};

// One run of `net` on tensors; every output as a tensor.
template <class T>
struct Result {
  Tensor<T> h, x, v, u;
};

template <class T>
Result<T> run(EGNN<T>& net, const GraphBatch& g, const Tensor<T>& h, const Tensor<T>& x, const Tensor<T>& v,
              const Tensor<T>& a) {
  Tape<T> tape;
  EGNNOutput<T> o = net.forward(tape, g, tape.constant(h), tape.constant(x), tape.constant(v),
                                a.numel() ? tape.constant(a) : Var<T>{});
  return {o.h.to_tensor(), o.x.to_tensor(), o.v.valid() ? o.v.to_tensor() : Tensor<T>{}, o.update.to_tensor()};
}

template <class T>
double rel(const Tensor<T>& a, const Tensor<T>& b) {
  REQUIRE(a.shape() == b.shape());
  return test::relative_difference(a.data(), b.data(), a.numel());
}

// Checks E(d) equivariance and permutation equivariance of `net` on a ragged random graph.
template <class T>
void check_equivariance(EGNN<T>& net, index_t d, std::uint64_t seed) {
  const GraphBatch g = test::random_graph({5, 3, 6, 1, 4}, seed);
  const index_t N = g.num_nodes, E = g.num_edges();
  const index_t A = net.options().edge_features;
  const Tensor<T> h = test::uniform_tensor<T>(Shape{N, net.options().in_features}, seed + 1);
  const Tensor<T> x = test::uniform_tensor<T>(Shape{N, d}, seed + 2, -1.5, 1.5);
  const Tensor<T> v = test::uniform_tensor<T>(Shape{N, d}, seed + 3);
  const Tensor<T> a = A ? test::uniform_tensor<T>(Shape{E, A}, seed + 4) : Tensor<T>{};
  const Result<T> base = run(net, g, h, x, v, a);
  // The layers move the positions (otherwise the checks below prove nothing).
  CHECK(rel(base.x, x) > 1e-2);
  CHECK(rel(base.u, Tensor<T>::zeros(base.u.shape())) > 1e-3);

  for (bool reflection : {false, true}) {
    CAPTURE(reflection);
    const std::vector<double> q = test::random_orthogonal(static_cast<int>(d), seed + 5 + reflection, reflection);
    std::vector<double> t(static_cast<std::size_t>(d));
    Philox rng(seed, 23);
    for (double& c : t) c = rng.uniform(-3, 3);
    const Result<T> moved = run(net, g, h, test::transform_rows(x, q, t), test::transform_rows(v, q, {}), a);
    CHECK(rel(test::transform_rows(base.x, q, t), moved.x) < kTol<T>);
    CHECK(rel(test::transform_rows(base.v, q, {}), moved.v) < kTol<T>);
    CHECK(rel(test::transform_rows(base.u, q, {}), moved.u) < kTol<T>);
    CHECK(rel(base.h, moved.h) < kTol<T>);
  }
  // Node permutation within graphs; edge e keeps its row of attributes.
  const std::vector<std::int32_t> perm = test::random_node_permutation(g, seed + 7);
  const Result<T> permuted = run(net, test::permute_graph(g, perm), test::permute_rows(h, perm),
                                 test::permute_rows(x, perm), test::permute_rows(v, perm), a);
  CHECK(rel(test::permute_rows(base.x, perm), permuted.x) < kTol<T>);
  CHECK(rel(test::permute_rows(base.v, perm), permuted.v) < kTol<T>);
  CHECK(rel(test::permute_rows(base.h, perm), permuted.h) < kTol<T>);
  CHECK(rel(test::permute_rows(base.u, perm), permuted.u) < kTol<T>);
}

// The option sets every equivariance test runs through.
struct Variant {
  const char* name;
  index_t d;
  EGNNLayerOptions layer;
};
const Variant kVariants[] = {
    {"plain, mean, d=3", 3, {}},
    {"velocity, mean, d=3", 3, {.velocity = true}},
    {"velocity, tanh, normalize, attention, graph size, d=2", 2,
     {.velocity = true, .coordinate_scale = CoordinateScale::GraphSize, .tanh = true, .normalize = true, .attention = true}},
    {"plain, sum, no residual, mean features, d=4", 4,
     {.residual = false, .feature_aggregation = Aggregation::Mean, .coordinate_scale = CoordinateScale::Sum, .coords_weight = 0.3}},
    {"fixed features, d=1", 1, {.update_features = false}},
};

}  // namespace

TEST_CASE_TEMPLATE("EGNN is equivariant to rotations, reflections, translations and permutations", T, float, double) {
  std::uint64_t seed = 100;
  for (const Variant& var : kVariants) {
    CAPTURE(var.name);
    Philox rng(seed);
    EGNN<T> net({.in_features = 2, .edge_features = 2, .hidden = 16, .num_layers = 3, .layer = var.layer}, rng);
    enlarge_coordinate_steps(net, seed);
    check_equivariance(net, var.d, seed);
    seed += 10;
  }
}

TEST_CASE_TEMPLATE("the n-body EGNN (4 layers, 64 features, |v| and [q_i q_j, r^2] inputs) is equivariant", T, float,
                   double) {
  Philox rng(7);
  EGNN<T> net({.in_features = 1, .edge_features = 2}, rng);
  CHECK(net.layers.size() == 4);
  CHECK(net.layers[0].options().velocity);
  enlarge_coordinate_steps(net, 7);
  const GraphBatch g = fully_connected(3, 5);
  const index_t N = g.num_nodes;
  const Tensor<T> x = test::uniform_tensor<T>(Shape{N, 3}, 1, -1.5, 1.5), v = test::uniform_tensor<T>(Shape{N, 3}, 2);
  Tensor<T> q(Shape{N, 1});
  for (index_t i = 0; i < N; ++i) q[i] = (i * 7 % 3) ? T(1) : T(-1);
  auto forward = [&](const Tensor<T>& xs, const Tensor<T>& vs) {
    Tape<T> tape;
    Var<T> vx = tape.constant(xs), vv = tape.constant(vs);
    NBodyInputs<T> in = nbody_inputs(g, vx, vv, tape.constant(q));
    CHECK(in.h.shape() == Shape{N, 1});
    CHECK(in.edge_attributes.shape() == Shape{g.num_edges(), 2});
    return net.forward(tape, g, in.h, vx, vv, in.edge_attributes).x.to_tensor();
  };
  const Tensor<T> base = forward(x, v);
  CHECK(rel(base, x) > 1e-2);
  const std::vector<double> rot = test::random_orthogonal(3, 3, true);
  const std::vector<double> shift = {1.0, -2.0, 0.5};
  CHECK(rel(test::transform_rows(base, rot, shift), forward(test::transform_rows(x, rot, shift), test::transform_rows(v, rot, {}))) <
        kTol<T>);
}

TEST_CASE_TEMPLATE("EGNNLayer computes the equations of Satorras et al. (velocity variant)", T, float, double) {
  // A direct evaluation with plain loops over nodes and neighbours, using the layer's own MLPs
  // on single rows (so only the graph plumbing is checked against an independent route).
  Philox rng(3);
  EGNNLayer<T> layer(4, rng, {.edge_features = 1, .hidden = 6, .velocity = true});
  initialize(layer.phi_x[1].weight.value, Init::xavier_uniform(1.0), rng);
  const GraphBatch g = test::random_graph({4, 3}, 9);
  const index_t N = g.num_nodes, E = g.num_edges(), d = 3;
  const Tensor<T> h = test::uniform_tensor<T>(Shape{N, 4}, 1), x = test::uniform_tensor<T>(Shape{N, d}, 2);
  const Tensor<T> v = test::uniform_tensor<T>(Shape{N, d}, 3), a = test::uniform_tensor<T>(Shape{E, 1}, 4);
  Tape<T> tape;
  const EGNNOutput<T> out = layer.forward(tape, g, tape.constant(h), tape.constant(x), tape.constant(v), tape.constant(a));

  std::vector<double> x_new(static_cast<std::size_t>(N * d)), h_new(static_cast<std::size_t>(N * 4));
  for (index_t i = 0; i < N; ++i) {
    std::vector<double> u(static_cast<std::size_t>(d), 0.0), msum(6, 0.0);
    int degree = 0;
    for (index_t e = 0; e < E; ++e) {
      if (g.receivers[e] != i) continue;
      const index_t j = g.senders[e];
      ++degree;
      // [h_i, h_j, |x_i - x_j|^2, a_ij] through phi_e, then phi_x.
      Tensor<T> in(Shape{1, 10});
      double r2 = 0;
      for (index_t c = 0; c < d; ++c) r2 += std::pow(double(x(i, c)) - double(x(j, c)), 2);
      for (index_t c = 0; c < 4; ++c) in[c] = h(i, c), in[4 + c] = h(j, c);
      in[8] = T(r2);
      in[9] = a[e];
      Tape<T> t2;
      Var<T> m = layer.phi_e.forward(t2, t2.constant(in));
      Var<T> w = layer.phi_x[1].forward(t2, layer.phi_x[0].forward(t2, m, Activation::Silu));
      for (index_t c = 0; c < d; ++c) u[c] += (double(x(i, c)) - double(x(j, c))) * double(w.item());
      for (index_t c = 0; c < 6; ++c) msum[c] += double(m[c]);
    }
    Tape<T> t3;
    Tensor<T> hi(Shape{1, 4}), hin(Shape{1, 10});
    for (index_t c = 0; c < 4; ++c) hi[c] = h(i, c), hin[c] = h(i, c);
    for (index_t c = 0; c < 6; ++c) hin[4 + c] = T(msum[c]);
    const double phi_v = layer.phi_v->forward(t3, t3.constant(hi)).item();
    const Var<T> dh = layer.phi_h->forward(t3, t3.constant(hin));
    for (index_t c = 0; c < d; ++c)
      x_new[i * d + c] = double(x(i, c)) + phi_v * double(v(i, c)) + (degree ? u[c] / degree : 0.0);
    for (index_t c = 0; c < 4; ++c) h_new[i * 4 + c] = double(h(i, c)) + double(dh[c]);
  }
  const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  for (index_t k = 0; k < N * d; ++k) CHECK(double(out.x[k]) == doctest::Approx(x_new[k]).epsilon(tol).scale(1));
  for (index_t k = 0; k < N * 4; ++k) CHECK(double(out.h[k]) == doctest::Approx(h_new[k]).epsilon(tol).scale(1));
  // v' = x' - x.
  for (index_t k = 0; k < N * d; ++k) CHECK(double(out.v[k]) == doctest::Approx(x_new[k] - double(x[k])).epsilon(tol).scale(1));
}

TEST_CASE("EGNN gradients through two layers match finite differences (parameters and inputs)") {
  Philox rng(11);
  EGNN<double> net({.in_features = 2, .edge_features = 1, .hidden = 5, .num_layers = 2, .out_features = 2,
                    .layer = {.velocity = true, .tanh = true, .normalize = true, .attention = true}},
                   rng);
  enlarge_coordinate_steps(net, 11);
  const GraphBatch g = test::random_graph({4, 3}, 5);
  const index_t N = g.num_nodes, E = g.num_edges();
  Tensor<double> h = test::uniform_tensor<double>(Shape{N, 2}, 1), x = test::uniform_tensor<double>(Shape{N, 3}, 2);
  Tensor<double> v = test::uniform_tensor<double>(Shape{N, 3}, 3), a = test::uniform_tensor<double>(Shape{E, 1}, 4);
  std::vector<Tensor<double>*> inputs = {&h, &x, &v, &a};
  // Every output in one (N, 3 + 3 + 2) matrix; input k (if any) is the Var `in`, the others constants.
  auto outputs = [&](Tape<double>& tape, std::size_t k, Var<double> in) {
    Var<double> o[4];
    for (std::size_t j = 0; j < 4; ++j) o[j] = j == k ? in : tape.constant(*inputs[j]);
    EGNNOutput<double> out = net.forward(tape, g, o[0], o[1], o[2], o[3]);
    return concat({out.x, out.v, out.h}, 1);
  };
  test::check_parameter_gradients(net, [&](Tape<double>& t) { return outputs(t, 4, {}); }, 3, 12);
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    CAPTURE(k);
    test::check_input_gradient(*inputs[k], [&](Tape<double>& t, Var<double> in) { return outputs(t, k, in); });
  }
}

TEST_CASE("an EGNN training step gives the same bits with 1 and 2 threads") {
  const GraphBatch g = fully_connected(60, 5);  // 1200 edges: above the parallel thresholds
  const index_t N = g.num_nodes;
  const Tensor<float> x = test::uniform_tensor<float>(Shape{N, 3}, 1), v = test::uniform_tensor<float>(Shape{N, 3}, 2);
  const Tensor<float> q = test::uniform_tensor<float>(Shape{N, 1}, 3);
  test::check_same_bits_with_1_and_2_threads([&] {
    Philox rng(5);
    EGNN<float> net({.in_features = 1, .edge_features = 2, .hidden = 32}, rng);
    Tape<float> tape;
    Var<float> vx = tape.constant(x), vv = tape.constant(v);
    NBodyInputs<float> in = nbody_inputs(g, vx, vv, tape.constant(q));
    EGNNOutput<float> o = net.forward(tape, g, in.h, vx, vv, in.edge_attributes);
    tape.backward(mean(square(o.x - vx)));
    std::vector<float> bits(o.x.data(), o.x.data() + o.x.numel());
    for (const NamedParameter<float>& p : net.parameters())
      bits.insert(bits.end(), p.param->grad.data(), p.param->grad.data() + p.param->grad.numel());
    return bits;
  });
}

TEST_CASE("EGNN layers name their parameters and reject bad input") {
  Philox rng(1);
  EGNNLayer<float> layer(4, rng, {.edge_features = 2, .hidden = 8, .velocity = true, .attention = true});
  std::vector<std::string> names;
  for (const NamedParameter<float>& p : layer.parameters()) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"phi_e.layers.0.weight", "phi_e.layers.0.bias", "phi_e.layers.1.weight",
                                          "phi_e.layers.1.bias", "phi_x.0.weight", "phi_x.0.bias", "phi_x.1.weight",
                                          "phi_h.layers.0.weight", "phi_h.layers.0.bias", "phi_h.layers.1.weight",
                                          "phi_h.layers.1.bias", "phi_v.layers.0.weight", "phi_v.layers.0.bias",
                                          "phi_v.layers.1.weight", "phi_v.layers.1.bias", "attention.weight",
                                          "attention.bias"});
  CHECK(layer.phi_e.layers[0].weight.shape() == Shape{2 * 4 + 1 + 2, 8});
  CHECK(layer.phi_x[1].weight.shape() == Shape{8, 1});
  // phi_x's last weight is xavier_uniform with gain 0.001: |w| <= 0.001 sqrt(6 / (8 + 1)).
  for (index_t i = 0; i < 8; ++i) CHECK(std::abs(layer.phi_x[1].weight.value[i]) <= 0.001 * std::sqrt(6.0 / 9.0));

  const GraphBatch g = fully_connected(2, 3);
  Tape<float> tape;
  Var<float> h = tape.zeros(Shape{6, 4}), x = tape.zeros(Shape{6, 3}), a = tape.zeros(Shape{12, 2});
  CHECK_THROWS_WITH_AS(layer.forward(tape, g, h, x, {}, a), "EGNNLayer: the velocity variant needs velocities v",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(layer.forward(tape, g, tape.zeros(Shape{6, 5}), x, x, a),
                       "EGNNLayer: node features h must be (6, 4), got (6, 5)", ShapeError);
  CHECK_THROWS_WITH_AS(layer.forward(tape, g, h, x, tape.zeros(Shape{6, 2}), a),
                       "EGNNLayer: velocities v must be (6, 3), got (6, 2)", ShapeError);
  CHECK_THROWS_WITH_AS(layer.forward(tape, g, h, x, x, tape.zeros(Shape{11, 2})),
                       "EGNNLayer: edge attributes must be (12, 2), got (11, 2)", ShapeError);
  CHECK_THROWS_AS(layer.forward(tape, g, h, x, x, {}), std::invalid_argument);
  GraphBatch bad = g;
  bad.senders[0] = 4;  // joins graph 0 and graph 1
  CHECK_THROWS_WITH_AS(layer.forward(tape, bad, h, x, x, a), "EGNNLayer: bad GraphBatch: edge 0 (4 -> 0) joins two graphs",
                       std::invalid_argument);
  CHECK_THROWS_AS(EGNNLayer<float>(4, rng, {.out_features = 3}), std::invalid_argument);  // residual needs 4
  CHECK_THROWS_AS(EGNNLayer<float>(0, rng), std::invalid_argument);
  CHECK_THROWS_AS(EGNNLayer<float>(4, rng, {.tanh = true, .coords_range = 0}), std::invalid_argument);
  CHECK_NOTHROW(EGNNLayer<float>(4, rng, {.out_features = 3, .residual = false}));
}
