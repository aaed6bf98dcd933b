// The mean-field network and the two objectives (model.hpp).
#include "examples/mean_field_langevin/model.hpp"

namespace dg::mean_field_langevin {

Var<double> network(Var<double> theta, Var<double> x) {
  const index_t n_particles = theta.shape()[0];
  const Var<double> a = slice(theta, 1, 0, 1), w = slice(theta, 1, 1, 1), b = slice(theta, 1, 2, 1);
  const Var<double> hidden = tanh(matmul(x, w, false, true) + transpose(b));  // (n, N)
  return scale(matmul(hidden, a), 1.0 / double(n_particles));
}

Var<double> Regression::operator()(Tape<double>& tape, Var<double> theta) const {
  const Var<double> err = network(theta, tape.constant(x)) - tape.constant(y);
  return scale(mean(square(err)), 0.5) + scale(mean(sum(square(theta), 1)), 0.5 * l2);
}

Var<double> kernel(Var<double> p, Var<double> q, double sigma) {
  const Var<double> d2 = row_dot(p, p) + transpose(row_dot(q, q)) - scale(matmul(p, q, false, true), 2.0);
  return exp(scale(d2, -0.5 / (sigma * sigma)));
}

Var<double> MMD::operator()(Tape<double>& tape, Var<double> x) const {
  const Var<double> y = tape.constant(target);
  return mean(kernel(x, x, sigma)) - scale(mean(kernel(x, y, sigma)), 2.0) + target_term;
}

MMD make_mmd(const Tensor<double>& target, double sigma) {
  MMD mmd{target, sigma};
  Tape<double> tape;
  const Var<double> y = tape.constant(mmd.target);
  mmd.target_term = mean(kernel(y, y, sigma)).item();
  return mmd;
}

}  // namespace dg::mean_field_langevin
