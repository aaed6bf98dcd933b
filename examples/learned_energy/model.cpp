// The energy and direct force models (model.hpp).
#include "examples/learned_energy/model.hpp"

#include "autodiff/ops.hpp"

namespace dg::learned_energy {

const char* kind_name(Kind k) { return k == Kind::Energy ? "energy" : "direct"; }

Model::Model(Kind k, int hidden, Philox& rng)
    : kind(k), net({kDof, hidden, hidden, k == Kind::Energy ? 1 : kDof}, rng, {.activation = nn::Activation::Tanh}) {}

Var<double> Model::forces(Tape<double>& tape, const Tensor<double>& x, bool create_graph) {
  if (kind == Kind::Direct) return net(tape, tape.constant(x));
  Var<double> xv = tape.variable(x);
  return -tape.grad(sum(net(tape, xv)), xv, create_graph);
}

double Model::energy(Tape<double>& tape, const Tensor<double>& x) {
  tape.reset();
  NoGradGuard<double> no_grad(tape);
  return net(tape, tape.constant(x)).item();
}

}  // namespace dg::learned_energy
