// Comparisons of runs and the learned function on a grid (evaluate.hpp).
#include "examples/mean_field_langevin/evaluate.hpp"

#include <algorithm>

#include "examples/mean_field_langevin/data.hpp"
#include "examples/mean_field_langevin/model.hpp"

namespace dg::mean_field_langevin {

namespace {

double tail_mean(const std::vector<double>& v) {
  const std::size_t k = std::max<std::size_t>(1, v.size() / 10);
  double s = 0;
  for (std::size_t i = v.size() - k; i < v.size(); ++i) s += v[i];
  return s / double(k);
}

std::int64_t first_at_or_below(const std::vector<double>& v, double level) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] <= level) return std::int64_t(i) + 1;  // evaluations used so far
  return -1;
}

}  // namespace

Comparison compare(const Run& under, const Run& over) {
  Comparison c;
  c.start = under.objective.front();
  c.final_under = tail_mean(under.objective);
  c.final_over = tail_mean(over.objective);
  c.level = 1.1 * std::max(c.final_under, c.final_over);
  c.under_evals = first_at_or_below(under.objective, c.level);
  c.over_evals = first_at_or_below(over.objective, c.level);
  return c;
}

std::vector<double> predict(const Tensor<double>& theta, const Tensor<double>& xg) {
  Tape<double> tape;
  const Var<double> f = network(tape.constant(theta), tape.constant(xg));
  return std::vector<double>(f.data(), f.data() + xg.numel());
}

double grid_mse(const std::vector<double>& f, const Tensor<double>& xg) {
  const index_t grid = xg.numel();
  double s = 0;
  for (index_t i = 0; i < grid; ++i) s += (f[std::size_t(i)] - target_function(xg[i])) * (f[std::size_t(i)] - target_function(xg[i]));
  return s / double(grid);
}

}  // namespace dg::mean_field_langevin
