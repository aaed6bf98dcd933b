// The two models of the learned_energy experiment: MLPs 8 -> 64 -> 64 -> out with tanh on the
// positions of the 4 particles. The energy model outputs U (forces = -grad U, differentiated on
// the tape, so that the loss can be differentiated through that gradient); the direct model
// outputs the 8 force components.
#pragma once

#include "examples/learned_energy/data.hpp"
#include "nn/mlp.hpp"

namespace dg::learned_energy {

enum class Kind { Energy, Direct };
const char* kind_name(Kind k);  // "energy", "direct"

struct Model {
  Kind kind;
  nn::MLP<double> net;
  Model(Kind k, int hidden, Philox& rng);

  // Forces (B, 8) at positions x (B, 8). The energy model differentiates sum U over the batch
  // (each row's energy depends on its own row only); with `create_graph` the result can be
  // differentiated again, as training needs.
  Var<double> forces(Tape<double>& tape, const Tensor<double>& x, bool create_graph);
  // The learned energy U_theta of one configuration x (1, 8) (energy model only).
  double energy(Tape<double>& tape, const Tensor<double>& x);
};

}  // namespace dg::learned_energy
