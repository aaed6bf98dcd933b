// LorentzModel: the interaction network and the learned magnetic field (model.hpp).
#include "examples/lorentz_field/model.hpp"

#include <cstdio>
#include <stdexcept>

#include "autodiff/ops.hpp"
#include "nn/graph/graph_ops.hpp"
#include "physics/tape_forces.hpp"

namespace dg::lorentz_field {

const char* model_name(ModelKind kind) { return kind == ModelKind::Field ? "field" : "no_field"; }

LorentzModel::LorentzModel(const ModelOptions& o, Philox& rng) : options_(o) {
  if (o.hidden < 1 || o.force_cap <= 0 || o.delta <= 0)
    throw std::invalid_argument("LorentzModel: hidden, force_cap and delta must be positive");
  // Node feature q_i; the coordinate update is the output (no feature update).
  interaction = std::make_unique<nn::EGNNLayer<float>>(
      1, rng, nn::EGNNLayerOptions{.edge_features = 3, .hidden = o.hidden, .update_features = false});
  this->register_module("interaction", *interaction);
  if (o.kind == ModelKind::Field) {
    magnetic = std::make_unique<nn::NeuralField<float>>(
        nn::NeuralFieldOptions{.in_dim = 3,
                               .out_dim = 3,
                               .fourier_features = o.fourier_features,
                               .sigma = o.fourier_sigma,
                               .hidden = std::vector<index_t>(static_cast<std::size_t>(o.field_layers), o.field_width)},
        rng);
    magnetic->output->weight.value.fill(0.0f);  // B = 0 until the data ask for a field
    if (magnetic->output->bias.value.numel() > 0) magnetic->output->bias.value.fill(0.0f);
    this->register_module("field", *magnetic);
  }
}

std::string LorentzModel::describe() const {
  const ModelOptions& o = options_;
  char text[256];
  if (o.kind == ModelKind::NoField)
    std::snprintf(text, sizeof text, "LorentzModel(no_field: EGNN interactions, hidden=%lld, clip=%g)",
                  static_cast<long long>(o.hidden), o.force_cap);
  else
    std::snprintf(text, sizeof text,
                  "LorentzModel(field: EGNN interactions, hidden=%lld + q v x B(x), B = Fourier(%lld, sigma=%g) -> "
                  "MLP(%lld x %lld), clip=%g)",
                  static_cast<long long>(o.hidden), static_cast<long long>(o.fourier_features), o.fourier_sigma,
                  static_cast<long long>(o.field_layers), static_cast<long long>(o.field_width), o.force_cap);
  return text;
}

Var<float> edge_charge_products(const nn::GraphBatch& g, Var<float> charges) {
  return gather_rows(charges, g.receivers) * gather_rows(charges, g.senders);  // (E, 1)
}

Var<float> cross_rows(Var<float> a, Var<float> b) {
  // a x b = a' * b'' - a'' * b', with ' the columns rotated once (y, z, x) and '' twice (z, x, y).
  auto rotate = [](const Var<float>& x, index_t k) { return concat({slice(x, 1, k, 3 - k), slice(x, 1, 0, k)}, 1); };
  return rotate(a, 1) * rotate(b, 2) - rotate(a, 2) * rotate(b, 1);
}

Var<float> LorentzModel::acceleration(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x, Var<float> v,
                                      Var<float> charges, Var<float> charge_products) {
  const double delta = options_.delta;
  const Var<float> diff = nn::edge_difference(g, x);  // (E, 3) x_i - x_j
  const Var<float> r = row_norm(diff);                // (E, 1)
  const Var<float> attributes =
      concat({charge_products, pow(r + delta, -1.0), pow(row_dot(diff, diff) + delta * delta, -1.0)}, 1);  // (E, 3)
  Var<float> a = interaction->forward(tape, g, charges, x, {}, attributes).update;                         // (M, 3)
  if (magnetic) a = a + charges * cross_rows(v, magnetic->forward(tape, x));
  return physics::capped(a, physics::ForceCap::per_component(options_.force_cap));
}

Var<float> LorentzModel::field(Tape<float>& tape, Var<float> points) {
  if (!magnetic) throw std::logic_error("LorentzModel::field: the no_field model has no field");
  return magnetic->forward(tape, points);
}

}  // namespace dg::lorentz_field
