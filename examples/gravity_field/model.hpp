// The model of the gravity_field experiment: accelerations of unit masses from their positions,
//   pairwise   a_i = sum_j (x_j - x_i) exp(g(log(|x_j - x_i|^2 + 0.01)))   (both models; g an MLP,
//              a radial force: equivariant, able to learn softened gravity, blind to the heavy mass)
//   field      + E(x_i | z), E a NeuralField of the absolute position (Fourier features) modulated
//              by FiLM with the code z = mean over the observed (frame, particle) pairs of
//              MLP([x, a / |a| log(1 + |a|)]) of that simulation (a set encoder);
// and the encoder's input rows (the context) of a set of simulations.
#pragma once

#include <span>

#include "examples/gravity_field/data.hpp"
#include "nn/field/neural_field.hpp"
#include "nn/graph/graph_batch.hpp"
#include "nn/mlp.hpp"

namespace dg::gravity_field {

struct Sizes {
  index_t hidden, code, frequencies;
  double sigma;
};

class GravityModel : public nn::Module<float> {
 public:
  // with_field false: the pairwise term alone (the no-field baseline).
  GravityModel(bool with_field, const Sizes& z, Philox& rng);
  bool with_field() const { return with_field_; }

  // Codes (B, Z) from context rows (C, 2d) = [x, a / |a| log(1 + |a|)], row r belonging to graph ctx_graph[r].
  Var<float> codes(Tape<float>& tape, const Tensor<float>& context, std::span<const std::int32_t> ctx_graph, index_t B);
  // Accelerations (R, d) at x (R, d): frames of N particles as the graphs of g; code_rows (R, Z).
  Var<float> accel(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x, Var<float> code_rows);
  // The field E(x | code) at x (R, d), code_rows (R, Z).
  Var<float> field(Tape<float>& tape, Var<float> x, Var<float> code_rows) { return field_.forward(tape, x, {}, code_rows); }

 private:
  bool with_field_;
  nn::MLP<float> pair_, encoder_;
  nn::NeuralField<float> field_;
};

// The encoder's input rows of simulations `sims` of a split: every `stride`-th observed pair.
struct Context {
  Tensor<float> rows;               // (C, 2d)
  std::vector<std::int32_t> graph;  // (C) the simulation (index into sims) of each row
};
Context context_of(const Split& d, std::span<const std::int64_t> sims, std::int64_t observed, std::int64_t stride);

// Per-row codes (rows of `per_graph` consecutive rows per simulation) from codes (B, Z).
Var<float> rows_of(Var<float> codes, index_t B, index_t per_graph);

}  // namespace dg::gravity_field
