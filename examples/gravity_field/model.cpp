// GravityModel: interactions, the (conditioned) field and the set encoder (model.hpp).
#include "examples/gravity_field/model.hpp"

#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "nn/graph/graph_ops.hpp"
#include "physics/tape_forces.hpp"

namespace dg::gravity_field {

namespace {

// The generic inverse-distance features [1 / (r + delta), 1 / (r^2 + delta^2)] (R, 2) of distances
// r (R, 1) with squares r2 (R, 1): the interactions' edge attributes and the anchor's radial input.
Var<float> inverse_distance_features(const Var<float>& r, const Var<float>& r2, double delta) {
  return concat({pow(r + delta, -1.0), pow(r2 + delta * delta, -1.0)}, 1);
}

}  // namespace

const char* model_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::DynamicField: return "dynamic_field";
    case ModelKind::StaticField: return "static_field";
    case ModelKind::NoField: return "no_field";
  }
  return "?";
}

GravityModel::GravityModel(const ModelOptions& o, Philox& rng) : options_(o) {
  if (o.hidden < 1 || o.field_width < 1 || o.field_layers < 1 || o.code < 1 || o.encoder_width < 1 ||
      o.accel_cap <= 0 || o.delta <= 0)
    throw std::invalid_argument("GravityModel: sizes, accel_cap and delta must be positive");
  if (o.radial_core && !o.anchor) throw std::invalid_argument("GravityModel: radial_core needs anchor");
  // Node feature: the mass (1); the coordinate update is the output (no feature update).
  interaction = std::make_unique<nn::EGNNLayer<float>>(
      1, rng, nn::EGNNLayerOptions{.edge_features = 2, .hidden = o.hidden, .update_features = false});
  this->register_module("interaction", *interaction);
  if (o.kind == ModelKind::NoField) return;
  const bool dynamic = o.kind == ModelKind::DynamicField;
  external = std::make_unique<nn::NeuralField<float>>(
      nn::NeuralFieldOptions{.in_dim = kD,
                             .out_dim = kD,
                             .encoding = nn::FieldEncoding::None,
                             .hidden = std::vector<index_t>(static_cast<std::size_t>(o.field_layers), o.field_width),
                             .code_dim = dynamic ? o.code + (o.anchor ? kD : 0) : 0},
      rng);
  external->output->weight.value.fill(0.0f);  // no field until the data ask for one
  if (external->output->bias.value.numel() > 0) external->output->bias.value.fill(0.0f);
  this->register_module("field", *external);
  if (!dynamic) return;
  const index_t H = o.encoder_width;
  encoder_phi = std::make_unique<nn::MLP<float>>(std::vector<index_t>{kContextFeatures, H, H}, rng,
                                                 nn::MLPOptions{.final_activation = nn::Activation::Silu});
  encoder_score = std::make_unique<nn::Linear<float>>(H, 1, rng);
  encoder_rho = std::make_unique<nn::MLP<float>>(std::vector<index_t>{H, H, o.code}, rng);
  this->register_module("encoder_phi", *encoder_phi);
  this->register_module("encoder_score", *encoder_score);
  this->register_module("encoder_rho", *encoder_rho);
  if (!o.anchor) return;
  anchor_score = std::make_unique<nn::Linear<float>>(H, 1, rng);
  anchor_reach = std::make_unique<nn::Linear<float>>(H, 1, rng);
  radial = std::make_unique<nn::MLP<float>>(std::vector<index_t>{o.radial_core ? 3 : 2, o.hidden, o.hidden, 1}, rng);
  radial->layers[2].weight.value.fill(0.0f);  // no radial field until the data ask for one
  if (radial->layers[2].bias.value.numel() > 0) radial->layers[2].bias.value.fill(0.0f);
  this->register_module("anchor_score", *anchor_score);
  this->register_module("anchor_reach", *anchor_reach);
  this->register_module("radial", *radial);
}

std::string GravityModel::describe() const {
  const ModelOptions& o = options_;
  char text[320];
  if (o.kind == ModelKind::NoField)
    std::snprintf(text, sizeof text, "GravityModel(no_field: EGNN interactions, hidden=%lld)",
                  static_cast<long long>(o.hidden));
  else
    std::snprintf(
        text, sizeof text, "GravityModel(%s: EGNN interactions, hidden=%lld + E(x%s), E = MLP(%lld x %lld)%s)",
        model_name(o.kind), static_cast<long long>(o.hidden), has_code() ? " | z" : "",
        static_cast<long long>(o.field_layers), static_cast<long long>(o.field_width),
        has_code()
            ? (", FiLM by z (" + std::to_string(o.code) + ") from an attention-pooled set encoder (" +
               std::to_string(o.encoder_width) + ")" + (radial ? " + a radial term about the voted anchor" : "") +
               (o.radial_core ? " with the inverse-cube feature" : ""))
                  .c_str()
            : "");
  return text;
}

Var<float> GravityModel::codes(Tape<float>& tape, const Tensor<float>& context, std::span<const std::int32_t> graph,
                               index_t B) {
  if (!has_code())
    throw std::logic_error("GravityModel::codes: the " + std::string(model_name(options_.kind)) + " model has no code");
  const Var<float> f = encoder_phi->forward(tape, tape.constant(context));            // (C, H)
  const Var<float> w = exp(3.0 * tanh(encoder_score->forward(tape, f)));              // (C, 1) in [e^-3, e^3]
  const Var<float> pooled = segment_sum(w * f, graph, B) / segment_sum(w, graph, B);  // (B, H)
  const Var<float> z = encoder_rho->forward(tape, pooled);                            // (B, Z)
  if (!radial) return z;
  const Var<float> rows = tape.constant(context);  // (C, 10)
  const Var<float> votes =
      slice(rows, 1, 0, kD) + slice(rows, 1, 2 * kD, kD) * anchor_reach->forward(tape, f);         // (C, d)
  const Var<float> w_anchor = exp(3.0 * tanh(anchor_score->forward(tape, f)));                     // (C, 1)
  const Var<float> c = segment_sum(w_anchor * votes, graph, B) / segment_sum(w_anchor, graph, B);  // (B, d)
  return concat({z, c}, 1);                                                                        // (B, Z + d)
}

Var<float> GravityModel::interactions(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x) {
  const Var<float> diff = nn::edge_difference(g, x);  // (E, d) x_i - x_j
  const double delta = options_.delta;
  const Var<float> r = row_norm(diff), r2 = row_dot(diff, diff);                                       // (E, 1) each
  const Var<float> attributes = inverse_distance_features(r, r2, delta);                               // (E, 2)
  const Var<float> mass = tape.constant(Tensor<float>::full(Shape{x.shape()[0], 1}, 1.0f));            // (M, 1)
  return interaction->forward(tape, g, mass, x, {}, attributes).update;                                // (M, d)
}

Var<float> GravityModel::acceleration(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x, Var<float> code_rows) {
  Var<float> a = interactions(tape, g, x);  // (M, d)
  if (external) a = a + field(tape, x, code_rows);
  return physics::capped(a, physics::ForceCap::norm(options_.accel_cap));
}

Var<float> GravityModel::field(Tape<float>& tape, Var<float> x, Var<float> code) {
  if (!external) throw std::logic_error("GravityModel::field: the no_field model has no field");
  if (!has_code()) return external->forward(tape, x);
  const Var<float> E = external->forward(tape, x, {}, code);  // (P, d)
  if (!radial) return E;
  const double delta = options_.delta;
  const Var<float> to_anchor = slice(code, 1, options_.code, kD) - x;  // (P, d) c_s - x (a (1, d) anchor broadcasts)
  const Var<float> r2 = row_dot(to_anchor, to_anchor);                 // (P, 1)
  // r from r2 + 1e-12: a finite gradient where x sits on the anchor.
  Var<float> features = inverse_distance_features(pow(r2 + 1e-12, 0.5), r2, delta);                   // (P, 2)
  if (options_.radial_core) features = concat({features, delta * pow(r2 + delta * delta, -1.5)}, 1);  // (P, 3)
  return E + to_anchor * radial->forward(tape, features);
}

Context context_of(const datasets::Trajectories& t, std::span<const std::int64_t> sims, std::int64_t observed,
                   std::int64_t stride) {
  const std::int64_t n = t.particles, per = (observed - 1 + stride - 1) / stride;  // frames t < observed - 1
  Context c{Tensor<float>(Shape{static_cast<index_t>(sims.size()) * per * n, kContextFeatures}), {}};
  c.graph.reserve(static_cast<std::size_t>(c.rows.shape()[0]));
  index_t r = 0;
  for (std::size_t b = 0; b < sims.size(); ++b)
    for (std::int64_t f = 0; f < observed - 1; f += stride)
      for (std::int64_t i = 0; i < n; ++i, ++r) {
        const double* x = t.positions_at(sims[b], f) + i * kD;
        const double* v0 = t.velocities_at(sims[b], f) + i * kD;
        const double* v1 = t.velocities_at(sims[b], f + 1) + i * kD;
        double a[kD], norm2 = 0;
        for (std::int64_t j = 0; j < kD; ++j) a[j] = (v1[j] - v0[j]) / t.dt_frame, norm2 += a[j] * a[j];
        const double norm = std::sqrt(norm2);
        float* row = c.rows.data() + r * kContextFeatures;  // [x, a_hat log(1 + |a|), a_hat, 1 / sqrt(|a| + 0.1)]
        for (std::int64_t j = 0; j < kD; ++j) {
          const double unit = norm > 0 ? a[j] / norm : 0.0;
          row[j] = static_cast<float>(x[j]);
          row[kD + j] = static_cast<float>(unit * std::log1p(norm));
          row[2 * kD + j] = static_cast<float>(unit);
        }
        row[3 * kD] = static_cast<float>(1.0 / std::sqrt(norm + 0.1));
        c.graph.push_back(static_cast<std::int32_t>(b));
      }
  return c;
}

Var<float> encoder_codes(Tape<float>& tape, GravityModel& model, const datasets::Trajectories& t, std::int64_t first,
                         std::int64_t count, std::int64_t observed, std::int64_t stride) {
  std::vector<std::int64_t> sims(static_cast<std::size_t>(count));
  std::iota(sims.begin(), sims.end(), first);
  const Context c = context_of(t, sims, observed, stride);
  return model.codes(tape, c.rows, c.graph, count);
}

Var<float> code_rows(Var<float> codes, index_t B, index_t n) {
  std::vector<std::int32_t> index(static_cast<std::size_t>(B * n));
  for (index_t k = 0; k < B * n; ++k) index[static_cast<std::size_t>(k)] = static_cast<std::int32_t>(k / n);
  return gather_rows(codes, std::span<const std::int32_t>(index));
}

}  // namespace dg::gravity_field
