// The EGNN and GNN models and the fitted linear baseline (model.hpp).
#include "examples/egnn_nbody/model.hpp"

#include <span>

#include "autodiff/ops.hpp"

namespace dg::egnn_nbody {

namespace {

Var<float> charges_column(Tape<float>& tape, const Batch& b) {
  return reshape(tape.constant(b.charges), Shape{b.charges.numel(), 1});
}

}  // namespace

EGNNModel::EGNNModel(index_t hidden, index_t layers, Philox& rng)
    : net_({.in_features = 1, .edge_features = 2, .hidden = hidden, .num_layers = layers}, rng) {}

Var<float> EGNNModel::predict(Tape<float>& tape, const Batch& b) {
  const Var<float> x = tape.constant(b.input_positions[0]), v = tape.constant(b.input_velocities[0]);
  const nn::NBodyInputs<float> in = nn::nbody_inputs(b.graph, x, v, charges_column(tape, b));
  return net_.forward(tape, b.graph, in.h, x, v, in.edge_attributes).x;
}

GNNModel::GNNModel(index_t hidden, index_t layers, Philox& rng)
    : embedding_(6, hidden, rng), decoder_({hidden, hidden, 3}, rng, {.activation = nn::Activation::Silu}) {
  register_module("embedding", embedding_);
  for (index_t k = 0; k < layers; ++k) layers_.emplace_back(hidden, rng, nn::MessagePassingOptions{.edge_features = 1, .hidden = hidden});
  register_module("layers", layers_);
  register_module("decoder", decoder_);
}

Var<float> GNNModel::predict(Tape<float>& tape, const Batch& b) {
  const Var<float> x = tape.constant(b.input_positions[0]), v = tape.constant(b.input_velocities[0]);
  const Var<float> q = charges_column(tape, b);
  const Var<float> qq = gather_rows(q, std::span<const std::int32_t>(b.graph.receivers)) *
                        gather_rows(q, std::span<const std::int32_t>(b.graph.senders));  // (E, 1)
  Var<float> h = embedding_(tape, concat({x, v}, 1));
  for (std::size_t k = 0; k < layers_.size(); ++k) h = layers_[k].forward(tape, b.graph, h, qq);
  return decoder_(tape, h);
}

std::string GNNModel::describe() const {
  return "GNN(embedding 6 -> " + std::to_string(embedding_.weight.shape()[1]) + ", " + std::to_string(layers_.size()) +
         " x " + layers_[0].describe() + ", decoder " + decoder_.describe() + ")";
}

namespace {

// Over every simulation of d: sum v^2, sum v (y - x) and sum (x + t v - y)^2, with x, v at frame a
// and y at frame b; returns the number of terms. Kept out of line as it was compiled before the
// experiment was split into parts: inlined into a small caller, GCC vectorises the products and
// fuses fewer multiply-adds, which changes the last bit of t (-march=native).
[[gnu::noinline]] double linear_sums(const datasets::Trajectories& d, std::int64_t a, std::int64_t b, double t, double& vv,
                                     double& vr, double& err) {
  vv = vr = err = 0;
  const std::size_t n = static_cast<std::size_t>(d.particles * d.dim);
  for (std::int64_t s = 0; s < d.sims; ++s) {
    const double *x = d.positions_at(s, a), *v = d.velocities_at(s, a), *y = d.positions_at(s, b);
    for (std::size_t i = 0; i < n; ++i) {
      vv += v[i] * v[i];
      vr += v[i] * (y[i] - x[i]);
      err += (x[i] + t * v[i] - y[i]) * (x[i] + t * v[i] - y[i]);
    }
  }
  return double(d.sims) * double(n);
}

}  // namespace

std::pair<double, double> linear_baseline(const datasets::Trajectories& fit, const datasets::Trajectories& test,
                                          std::int64_t a, std::int64_t b) {
  double vv, vr, err;
  linear_sums(fit, a, b, 0, vv, vr, err);
  const double t = vr / vv;
  const double n = linear_sums(test, a, b, t, vv, vr, err);
  return {t, err / n};
}

}  // namespace dg::egnn_nbody
