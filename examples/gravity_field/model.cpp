// The gravity_field model and its context rows (model.hpp).
#include "examples/gravity_field/model.hpp"

#include <cmath>

#include "autodiff/ops.hpp"

namespace dg::gravity_field {

GravityModel::GravityModel(bool with_field, const Sizes& z, Philox& rng)
    : with_field_(with_field),
      pair_({1, z.hidden, z.hidden, 1}, rng),
      encoder_({2 * kD, z.hidden, z.hidden, z.code}, rng),
      field_({.in_dim = kD, .out_dim = kD, .encoding = nn::FieldEncoding::Fourier, .fourier_features = z.frequencies,
              .sigma = z.sigma, .hidden = {z.hidden, z.hidden}, .code_dim = z.code},
             rng) {
  register_module("pair", pair_);
  if (with_field_) register_module("encoder", encoder_), register_module("field", field_);
}

Var<float> GravityModel::codes(Tape<float>& tape, const Tensor<float>& context, std::span<const std::int32_t> ctx_graph,
                               index_t B) {
  return segment_mean(encoder_(tape, tape.constant(context)), ctx_graph, B);
}

Var<float> GravityModel::accel(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x, Var<float> code_rows) {
  const std::span<const std::int32_t> snd(g.senders), rcv(g.receivers);
  const Var<float> diff = gather_rows(x, snd) - gather_rows(x, rcv);                 // x_j - x_i (E, d)
  const Var<float> coef = exp(pair_(tape, log(row_dot(diff, diff) + 0.01)));         // (E, 1)
  Var<float> a = segment_sum(diff * coef, rcv, g.num_nodes);
  if (with_field_) a = a + field_.forward(tape, x, {}, code_rows);
  return a;
}

Context context_of(const Split& d, std::span<const std::int64_t> sims, std::int64_t observed, std::int64_t stride) {
  const std::int64_t n = d.traj.particles, per = (observed - 1 + stride - 1) / stride;
  Context c{Tensor<float>(Shape{index_t(sims.size()) * per * n, 2 * kD}), {}};
  index_t r = 0;
  for (std::size_t b = 0; b < sims.size(); ++b)
    for (std::int64_t t = 0; t < observed - 1; t += stride)
      for (std::int64_t i = 0; i < n; ++i, ++r) {
        const std::size_t k = d.at(sims[b], t, i);
        const double norm = std::sqrt(d.acc[k] * d.acc[k] + d.acc[k + 1] * d.acc[k + 1] + d.acc[k + 2] * d.acc[k + 2]);
        for (index_t j = 0; j < kD; ++j) {
          c.rows(r, j) = float(d.mid[k + j]);
          c.rows(r, kD + j) = float(norm > 0 ? d.acc[k + j] / norm * std::log1p(norm) : 0.0);
        }
        c.graph.push_back(std::int32_t(b));
      }
  return c;
}

Var<float> rows_of(Var<float> codes, index_t B, index_t per_graph) {
  std::vector<std::int32_t> idx;
  for (index_t b = 0; b < B; ++b)
    for (index_t k = 0; k < per_graph; ++k) idx.push_back(std::int32_t(b));
  return gather_rows(codes, std::span<const std::int32_t>(idx));
}

}  // namespace dg::gravity_field
