// Field-recovery measures (field_metrics.hpp).
#include "nn/field/field_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dg::nn {

namespace {

// |x| of a d-vector; hypot for d = 2 and 3 (as the field experiments have always measured).
double norm_of(const double* x, index_t d) {
  if (d == 2) return std::hypot(x[0], x[1]);
  if (d == 3) return std::hypot(x[0], x[1], x[2]);
  double s = 0;
  for (index_t c = 0; c < d; ++c) s += x[c] * x[c];
  return std::sqrt(s);
}

// The 2D cases are written as single expressions: with floating-point contraction (FMA) the
// compiler fuses them as it always has, so 2D results keep their bits.
double dot_of(const double* a, const double* b, index_t d) {
  if (d == 2) return a[0] * b[0] + a[1] * b[1];
  double s = 0;
  for (index_t c = 0; c < d; ++c) s += a[c] * b[c];
  return s;
}

double squared_distance(const double* a, const double* b, index_t d) {
  if (d == 2) return (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]);
  double s = 0;
  for (index_t c = 0; c < d; ++c) s += (a[c] - b[c]) * (a[c] - b[c]);
  return s;
}

}  // namespace

double weighted_median(const std::vector<double>& values, const std::vector<double>& weights) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double running = 0;
  for (std::size_t i : order) {
    running += weights[i];
    if (running >= 0.5 * total) return values[i];
  }
  return values.empty() ? 0.0 : values[order.back()];
}

FieldMetrics field_metrics(const Tensor<double>& truth, const Tensor<double>& learned, std::span<const double> weights,
                           std::span<const double> keep) {
  if (truth.shape() != learned.shape() || truth.shape().rank != 2)
    throw std::invalid_argument("field_metrics: truth " + truth.shape().str() + " and learned " + learned.shape().str() +
                                " must both be (P, d)");
  const index_t P = truth.shape()[0], d = truth.shape()[1];
  auto check = [&](std::span<const double> s, const char* what) {
    if (!s.empty() && static_cast<index_t>(s.size()) != P)
      throw std::invalid_argument(std::string("field_metrics: ") + what + " has " + std::to_string(s.size()) +
                                  " entries for " + std::to_string(P) + " points");
  };
  check(weights, "weights");
  check(keep, "keep");
  FieldMetrics m;
  std::vector<double> cosine, plain, weight;
  double err2[2] = {0, 0}, true2[2] = {0, 0}, dot[2] = {0, 0};  // [plain, weighted]
  for (index_t p = 0; p < P; ++p) {
    const auto k = static_cast<std::size_t>(p);
    if (!keep.empty() && keep[k] == 0) continue;
    const double* e = truth.data() + p * d;
    const double* l = learned.data() + p * d;
    const double n_true = norm_of(e, d), n_learned = norm_of(l, d);
    cosine.push_back(n_true > 0 && n_learned > 0 ? dot_of(e, l, d) / (n_true * n_learned) : 0.0);
    plain.push_back(1.0);
    const double density = weights.empty() ? 1.0 : weights[k];
    weight.push_back(density);
    const double w[2] = {1.0, density};
    for (int j = 0; j < 2; ++j) {
      err2[j] += w[j] * squared_distance(l, e, d);
      true2[j] += w[j] * n_true * n_true;
      dot[j] += w[j] * dot_of(l, e, d);
    }
  }
  m.points = static_cast<index_t>(cosine.size());
  if (cosine.empty()) return m;
  m.cosine = weighted_median(cosine, plain);
  m.weighted_cosine = weighted_median(cosine, weight);
  m.relative_l2 = std::sqrt(err2[0] / true2[0]);
  m.weighted_relative_l2 = std::sqrt(err2[1] / true2[1]);
  m.scale = dot[0] / true2[0];
  m.weighted_scale = dot[1] / true2[1];
  return m;
}

}  // namespace dg::nn
