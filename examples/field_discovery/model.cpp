// DynamicsModel: the interaction network, the neural field and the Absolute baseline (model.hpp).
#include "examples/field_discovery/model.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "nn/graph/graph_ops.hpp"
#include "physics/tape_forces.hpp"

namespace dg::field_discovery {

const char* model_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::Field: return "field";
    case ModelKind::NoField: return "no_field";
    case ModelKind::Absolute: return "absolute";
    case ModelKind::Aether: return "aether";
    case ModelKind::FieldSources: return "field_sources";
  }
  return "?";
}

DynamicsModel::DynamicsModel(const ModelOptions& o, Philox& rng) : options_(o) {
  if (o.dim < 1 || o.hidden < 1 || o.accel_cap <= 0 || o.delta <= 0)
    throw std::invalid_argument("DynamicsModel: dim, hidden, accel_cap and delta must be positive");
  if (o.kind == ModelKind::Absolute) {
    // Node features [x_i, q_i] (d + 1), edge features [x_i - x_j, a_ij] (d + 3), output (d).
    absolute = std::make_unique<nn::MessagePassing<float>>(
        o.dim + 1, rng,
        nn::MessagePassingOptions{.edge_features = o.dim + 3, .hidden = o.absolute_hidden, .out_features = o.dim,
                                  .residual = false});
    this->register_module("absolute", *absolute);
    return;
  }
  if (o.kind == ModelKind::Aether) {
    if (o.dim != 2) throw std::invalid_argument("DynamicsModel: the aether model's local frames are 2D");
    // Node features [|v_i|, R_i^T E(x_i), q_i] (4), edge features (8, model.hpp), output (r_x, r_v) (4).
    local = std::make_unique<nn::MessagePassing<float>>(
        4, rng,
        nn::MessagePassingOptions{
            .edge_features = 8, .hidden = o.absolute_hidden, .out_features = 4, .residual = false});
    this->register_module("local", *local);
  } else {
    // Node feature q_i; the coordinate update is the output (no feature update).
    interaction = std::make_unique<nn::EGNNLayer<float>>(
        1, rng, nn::EGNNLayerOptions{.edge_features = 3, .hidden = o.hidden, .update_features = false});
    this->register_module("interaction", *interaction);
  }
  if (o.kind == ModelKind::Field || o.kind == ModelKind::Aether || o.kind == ModelKind::FieldSources) {
    external = std::make_unique<nn::NeuralField<float>>(
        nn::NeuralFieldOptions{.in_dim = o.dim,
                               .out_dim = o.dim,
                               .fourier_features = o.fourier_features,
                               .sigma = o.fourier_sigma,
                               .hidden = std::vector<index_t>(static_cast<std::size_t>(o.field_layers), o.field_width)},
        rng);
    // The field starts at zero: where the training data never ask for a field (far from where
    // the particles go), none appears, instead of the random pattern of an initialised network.
    external->output->weight.value.fill(0.0f);
    if (external->output->bias.value.numel() > 0) external->output->bias.value.fill(0.0f);
    this->register_module("field", *external);
  }
  if (o.kind == ModelKind::FieldSources) {
    if (o.point_sources < 1 || !(o.source_softening >= 0))
      throw std::invalid_argument(
          "DynamicsModel: the field_sources model needs point_sources >= 1 and a softening >= 0");
    source_positions = Parameter<float>(Shape{o.point_sources, o.dim});  // set by set_point_sources
    source_charges = Parameter<float>(Shape{o.point_sources, 1});
    this->register_parameter("source_positions", source_positions);
    this->register_parameter("source_charges", source_charges);
  }
}

std::string DynamicsModel::describe() const {
  const ModelOptions& o = options_;
  char text[256];
  if (o.kind == ModelKind::Aether)
    std::snprintf(text, sizeof text,
                  "DynamicsModel(aether: message passing in local frames, hidden=%lld, on [|v|, R^T E(x), q]; E = "
                  "Fourier(%lld, sigma=%g) -> MLP(%lld x %lld); residual frame updates)",
                  static_cast<long long>(o.absolute_hidden), static_cast<long long>(o.fourier_features),
                  o.fourier_sigma, static_cast<long long>(o.field_layers), static_cast<long long>(o.field_width));
  else if (o.kind == ModelKind::Absolute)
    std::snprintf(text, sizeof text, "DynamicsModel(absolute: message passing on [x, q], hidden=%lld, cap=%g)",
                  static_cast<long long>(o.absolute_hidden), o.accel_cap);
  else if (o.kind == ModelKind::NoField)
    std::snprintf(text, sizeof text, "DynamicsModel(no_field: EGNN interactions, hidden=%lld, cap=%g)",
                  static_cast<long long>(o.hidden), o.accel_cap);
  else if (o.kind == ModelKind::FieldSources)
    std::snprintf(text, sizeof text,
                  "DynamicsModel(field_sources: EGNN interactions, hidden=%lld + q (E(x) + P(x)), E = Fourier(%lld, "
                  "sigma=%g) -> MLP(%lld x %lld), P = %lld point sources (eps=%g), cap=%g)",
                  static_cast<long long>(o.hidden), static_cast<long long>(o.fourier_features), o.fourier_sigma,
                  static_cast<long long>(o.field_layers), static_cast<long long>(o.field_width),
                  static_cast<long long>(o.point_sources), o.source_softening, o.accel_cap);
  else
    std::snprintf(text, sizeof text,
                  "DynamicsModel(field: EGNN interactions, hidden=%lld + q E(x), E = Fourier(%lld, sigma=%g) -> "
                  "MLP(%lld x %lld), cap=%g)",
                  static_cast<long long>(o.hidden), static_cast<long long>(o.fourier_features), o.fourier_sigma,
                  static_cast<long long>(o.field_layers), static_cast<long long>(o.field_width), o.accel_cap);
  return text;
}

Var<float> edge_charge_products(const nn::GraphBatch& g, Var<float> charges) {
  return gather_rows(charges, g.receivers) * gather_rows(charges, g.senders);  // (E, 1)
}

Var<float> DynamicsModel::edge_attributes(Var<float> diff, Var<float> charge_products) const {
  const double delta = options_.delta;
  Var<float> r2 = row_dot(diff, diff);  // (E, 1)
  Var<float> r = row_norm(diff);        // (E, 1)
  return concat({charge_products, pow(r + delta, -1.0), pow(r2 + delta * delta, -1.0)}, 1);  // (E, 3)
}

Var<float> DynamicsModel::acceleration(Tape<float>& tape, const nn::GraphBatch& g, Var<float> q, Var<float> charges,
                                       Var<float> charge_products) {
  Var<float> a;  // (M, d)
  if (absolute) {
    const Var<float> diff = nn::edge_difference(g, q);  // (E, d) x_i - x_j
    a = absolute->forward(tape, g, concat({q, charges}, 1), concat({diff, edge_attributes(diff, charge_products)}, 1));
  } else {
    a = interactions(tape, g, q, charges, charge_products);
    if (external) a = a + charges * field(tape, q);
  }
  return physics::capped(a, physics::ForceCap::norm(options_.accel_cap));
}

Var<float> DynamicsModel::interactions(Tape<float>& tape, const nn::GraphBatch& g, Var<float> q, Var<float> charges,
                                       Var<float> charge_products) {
  if (!interaction)
    throw std::logic_error("DynamicsModel::interactions: the " + std::string(model_name(options_.kind)) +
                           " model has no separate interaction network");
  return interaction->forward(tape, g, charges, q, {}, edge_attributes(nn::edge_difference(g, q), charge_products))
      .update;
}

namespace {

// 2D rotations by the per-row unit vectors (c, s) (R, 1) each: R^T w and R w for w (R, 2).
Var<float> to_local(const Var<float>& c, const Var<float>& s, const Var<float>& w) {
  const Var<float> x = slice(w, 1, 0, 1), y = slice(w, 1, 1, 1);
  return concat({c * x + s * y, c * y - s * x}, 1);
}
Var<float> to_global(const Var<float>& c, const Var<float>& s, const Var<float>& w) {
  const Var<float> x = slice(w, 1, 0, 1), y = slice(w, 1, 1, 1);
  return concat({c * x - s * y, s * x + c * y}, 1);
}

}  // namespace

void DynamicsModel::frame_update(Tape<float>& tape, const nn::GraphBatch& g, Var<float>& q, Var<float>& v,
                                 Var<float> charges, double frame_dt) {
  if (!local) throw std::logic_error("DynamicsModel::frame_update: only the aether model updates whole frames");
  const double delta = options_.delta;
  // Local frames: u_i = v_i / sqrt(|v_i|^2 + 1e-6) = (c_i, s_i).
  const Var<float> speed2 = row_dot(v, v);  // (M, 1)
  const Var<float> u = v * pow(speed2 + 1e-6, -0.5);
  const Var<float> c = slice(u, 1, 0, 1), s = slice(u, 1, 1, 1);                               // (M, 1) each
  const Var<float> E = external->forward(tape, q);                                             // (M, 2)
  const Var<float> nodes = concat({pow(speed2 + 1e-12, 0.5), to_local(c, s, E), charges}, 1);  // (M, 4)
  // Edges (receiver i, sender j), in the receiver's frame.
  const Var<float> ce = gather_rows(c, g.receivers), se = gather_rows(s, g.receivers);  // (E, 1)
  const Var<float> diff = nn::edge_difference(g, q);                                    // (E, 2) x_i - x_j
  const Var<float> r2 = row_dot(diff, diff), r = row_norm(diff);                        // (E, 1)
  const Var<float> edges =
      concat({to_local(ce, se, -1.0 * diff), to_local(ce, se, gather_rows(v, g.senders)),
              edge_charge_products(g, charges), r, pow(r + delta, -1.0), pow(r2 + delta * delta, -1.0)},
             1);                                                 // (E, 8)
  const Var<float> out = local->forward(tape, g, nodes, edges);  // (M, 4) local (r_x, r_v)
  const Var<float> rx = to_global(c, s, slice(out, 1, 0, 2)), rv = to_global(c, s, slice(out, 1, 2, 2));
  q = q + frame_dt * (v + rx);
  v = v + rv;
}

Var<float> DynamicsModel::field(Tape<float>& tape, Var<float> points) {
  if (!external) throw std::logic_error("DynamicsModel::field: the " + std::string(model_name(options_.kind)) +
                                        " model has no field");
  Var<float> E = external->forward(tape, points);  // (P, d)
  return options_.kind == ModelKind::FieldSources ? E + point_source_field(tape, points) : E;
}

Var<float> DynamicsModel::point_source_field(Tape<float>& tape, Var<float> points) {
  if (options_.kind != ModelKind::FieldSources)
    throw std::logic_error("DynamicsModel::point_source_field: only the field_sources model has point sources");
  const index_t P = points.shape()[0], S = options_.point_sources;
  // Every (point, source) pair e = p S + k: point index p, source index k.
  std::vector<std::int32_t> point_of(static_cast<std::size_t>(P * S)), source_of(point_of.size());  // (P S)
  for (index_t p = 0; p < P; ++p)
    for (index_t k = 0; k < S; ++k) {
      point_of[static_cast<std::size_t>(p * S + k)] = static_cast<std::int32_t>(p);
      source_of[static_cast<std::size_t>(p * S + k)] = static_cast<std::int32_t>(k);
    }
  const double eps2 = options_.source_softening * options_.source_softening;
  const Var<float> diff =
      gather_rows(points, point_of) - gather_rows(tape.param(source_positions), source_of);  // (P S, d)
  const Var<float> strength =
      gather_rows(tape.param(source_charges), source_of) * pow(row_dot(diff, diff) + eps2, -1.5);  // (P S, 1)
  return segment_sum(diff * strength, point_of, P);                                                // (P, d)
}

std::vector<nn::PointSource> DynamicsModel::point_sources() const {
  std::vector<nn::PointSource> out(static_cast<std::size_t>(options_.point_sources));
  const index_t d = options_.dim;
  for (index_t k = 0; k < options_.point_sources; ++k) {
    nn::PointSource& s = out[static_cast<std::size_t>(k)];
    for (index_t c = 0; c < d; ++c) s.position.push_back(double(source_positions.value[k * d + c]));
    s.charge = double(source_charges.value[k]);
  }
  return out;
}

void DynamicsModel::set_point_sources(const std::vector<nn::PointSource>& sources) {
  const index_t d = options_.dim;
  if (options_.kind != ModelKind::FieldSources || static_cast<index_t>(sources.size()) != options_.point_sources)
    throw std::invalid_argument("DynamicsModel::set_point_sources: " + std::to_string(sources.size()) +
                                " sources for a model with " + std::to_string(options_.point_sources));
  for (index_t k = 0; k < options_.point_sources; ++k) {
    const nn::PointSource& s = sources[static_cast<std::size_t>(k)];
    if (static_cast<index_t>(s.position.size()) != d || !std::isfinite(s.charge))
      throw std::invalid_argument("DynamicsModel::set_point_sources: source " + std::to_string(k) +
                                  " has no finite charge or not " + std::to_string(d) + " coordinates");
    for (index_t c = 0; c < d; ++c) source_positions.value[k * d + c] = float(s.position[static_cast<std::size_t>(c)]);
    source_charges.value[k] = float(s.charge);
  }
}

}  // namespace dg::field_discovery
