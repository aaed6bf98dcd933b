// Point sources from a sampled field: candidates, least squares, BIC (source_recovery.hpp).
#include "nn/field/source_recovery.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace dg::nn {

namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

// The fitting problem on the kept points: row r of the residual is point rows[r / d], component r % d.
struct Problem {
  const Tensor<double>& points;
  const Tensor<double>& field;
  std::vector<index_t> rows;   // kept points
  std::vector<double> sqrt_w;  // (rows) square roots of their weights
  index_t d;
  double k, eps;
};

// theta = [s_0 (d), q_0, s_1, q_1, ...]. Residuals sqrt(w) (E_model - E) (n) and, when J is not
// null, their Jacobian (n, (d + 1) m).
Vector residuals(const Problem& pr, const Vector& theta, Matrix* J) {
  const index_t d = pr.d, m = theta.size() / (d + 1);
  const index_t n = static_cast<index_t>(pr.rows.size()) * d;
  Vector r(n);
  if (J) J->setZero(n, theta.size());
  for (std::size_t a = 0; a < pr.rows.size(); ++a) {
    const index_t p = pr.rows[a];
    const double* x = pr.points.data() + p * d;
    double e[3] = {0, 0, 0};
    for (index_t j = 0; j < m; ++j) {
      const double* s = theta.data() + j * (d + 1);
      const double q = s[d];
      double diff[3] = {0, 0, 0}, r2 = pr.eps * pr.eps;
      for (index_t c = 0; c < d; ++c) diff[c] = x[c] - s[c], r2 += diff[c] * diff[c];
      const double inv3 = 1.0 / (r2 * std::sqrt(r2)), inv5 = inv3 / r2;
      for (index_t c = 0; c < d; ++c) e[c] += pr.k * q * diff[c] * inv3;
      if (!J) continue;
      for (index_t c = 0; c < d; ++c) {
        const index_t row = static_cast<index_t>(a) * d + c;
        (*J)(row, j * (d + 1) + d) = pr.sqrt_w[a] * pr.k * diff[c] * inv3;  // d E_c / d q
        for (index_t b = 0; b < d; ++b)  // d E_c / d s_b = -k q (delta_cb / rho^3 - 3 diff_c diff_b / rho^5)
          (*J)(row, j * (d + 1) + b) =
              -pr.sqrt_w[a] * pr.k * q * ((c == b ? inv3 : 0.0) - 3.0 * diff[c] * diff[b] * inv5);
      }
    }
    for (index_t c = 0; c < d; ++c) r(static_cast<index_t>(a) * d + c) = pr.sqrt_w[a] * (e[c] - pr.field[p * d + c]);
  }
  return r;
}

// Charges by linear least squares with the positions of theta fixed.
void fit_charges(const Problem& pr, Vector& theta) {
  const index_t d = pr.d, m = theta.size() / (d + 1);
  Matrix J;
  Vector zero = theta;
  for (index_t j = 0; j < m; ++j) zero(j * (d + 1) + d) = 0;
  const Vector r0 = residuals(pr, zero, &J);  // -sqrt(w) E: the model is linear in the charges
  Matrix A(J.rows(), m);
  for (index_t j = 0; j < m; ++j) A.col(j) = J.col(j * (d + 1) + d);
  const Vector q = A.colPivHouseholderQr().solve(-r0);
  for (index_t j = 0; j < m; ++j) theta(j * (d + 1) + d) = q(j);
}

// Levenberg-Marquardt on all parameters; returns the final RSS.
double refine(const Problem& pr, Vector& theta, int iterations) {
  Matrix J;
  Vector r = residuals(pr, theta, &J);
  double rss = r.squaredNorm(), lambda = 1e-3;
  for (int it = 0; it < iterations; ++it) {
    const Matrix A = J.transpose() * J;
    const Vector g = J.transpose() * r;
    bool improved = false;
    for (int tries = 0; tries < 10 && !improved; ++tries) {
      Matrix damped = A;
      damped.diagonal() += lambda * (A.diagonal().array() + 1e-12).matrix();
      const Vector trial = theta - damped.ldlt().solve(g);
      if (!trial.allFinite()) {
        lambda *= 10;
        continue;
      }
      const Vector rt = residuals(pr, trial, nullptr);
      if (rt.allFinite() && rt.squaredNorm() < rss) {
        theta = trial, improved = true, lambda = std::max(lambda / 3, 1e-9);
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
    const double before = rss;
    r = residuals(pr, theta, &J);
    rss = r.squaredNorm();
    if (before - rss < 1e-10 * before) break;
  }
  return rss;
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("recover_sources: " + what);
}

}  // namespace

SourceRecovery recover_sources(const Tensor<double>& points, const Tensor<double>& field,
                               const Tensor<double>& divergence, const std::vector<double>& weights,
                               const SourceRecoveryOptions& o) {
  check(points.shape().rank == 2 && (points.shape()[1] == 2 || points.shape()[1] == 3),
        "points " + points.shape().str() + " must be (P, 2) or (P, 3)");
  const index_t P = points.shape()[0], d = points.shape()[1];
  check(field.shape() == points.shape(), "field " + field.shape().str() + " must be " + points.shape().str());
  check(divergence.numel() == P, "divergence has " + std::to_string(divergence.numel()) + " values for " +
                                     std::to_string(P) + " points");
  check(weights.empty() || static_cast<index_t>(weights.size()) == P,
        "weights has " + std::to_string(weights.size()) + " values for " + std::to_string(P) + " points");
  for (index_t k = 0; k < P * d; ++k)
    check(std::isfinite(points[k]) && std::isfinite(field[k]), "point or field value " + std::to_string(k / d) +
                                                                    " is not finite");
  for (index_t p = 0; p < P; ++p) check(std::isfinite(divergence[p]), "divergence " + std::to_string(p) + " is not finite");
  for (double w : weights) check(std::isfinite(w) && w >= 0, "a weight is negative or not finite");
  check(o.strength != 0 && std::isfinite(o.strength), "strength must be finite and not 0");
  check(o.softening >= 0 && o.separation > 0 && o.exclusion >= 0 && o.peak_fraction >= 0 && o.max_candidates >= 0 &&
            o.patience >= 1 && o.iterations >= 0 && o.min_charge_fraction >= 0,
        "impossible options (softening, exclusion, peak_fraction >= 0; separation > 0; patience >= 1)");

  auto dist2 = [&](index_t a, const double* b) {
    double s = 0;
    for (index_t c = 0; c < d; ++c) s += (points[a * d + c] - b[c]) * (points[a * d + c] - b[c]);
    return s;
  };
  // 1. candidates: local maxima of |div| within `separation`, strongest first.
  double top = 0;
  for (index_t p = 0; p < P; ++p) top = std::max(top, std::abs(divergence[p]));
  std::vector<index_t> cand;
  for (index_t p = 0; p < P; ++p) {
    const double v = std::abs(divergence[p]);
    if (v == 0 || v < o.peak_fraction * top) continue;
    bool peak = true;
    for (index_t q = 0; q < P && peak; ++q)
      if (q != p && dist2(q, points.data() + p * d) <= o.separation * o.separation) {
        const double u = std::abs(divergence[q]);
        peak = u < v || (u == v && q > p);
      }
    if (peak) cand.push_back(p);
  }
  std::stable_sort(cand.begin(), cand.end(),
                   [&](index_t a, index_t b) { return std::abs(divergence[a]) > std::abs(divergence[b]); });
  if (static_cast<index_t>(cand.size()) > o.max_candidates) cand.resize(static_cast<std::size_t>(o.max_candidates));

  // The residual points: weight > 0 and not within `exclusion` of a candidate (fixed for every model,
  // so that their BICs compare).
  Problem pr{points, field, {}, {}, d, o.strength, o.softening};
  for (index_t p = 0; p < P; ++p) {
    const double w = weights.empty() ? 1.0 : weights[static_cast<std::size_t>(p)];
    bool near = false;
    for (index_t c : cand) near = near || dist2(p, points.data() + c * d) < o.exclusion * o.exclusion;
    if (w > 0 && !near) pr.rows.push_back(p), pr.sqrt_w.push_back(std::sqrt(w));
  }
  SourceRecovery out;
  out.residuals = static_cast<index_t>(pr.rows.size()) * d;
  const double n = static_cast<double>(out.residuals);
  out.rss_none = residuals(pr, Vector(0), nullptr).squaredNorm();
  if (out.residuals == 0 || out.rss_none == 0) return out;
  auto bic = [&](double rss, index_t m) {
    return n * std::log(std::max(rss, 1e-300) / n) + double((d + 1) * m) * std::log(n);
  };

  // 2. greedy selection by BIC.
  Vector theta(0);
  double best_rss = out.rss_none, best_bic = bic(out.rss_none, 0);
  int dropped = 0;
  for (index_t c : cand) {
    if (dropped >= o.patience) break;
    ++out.candidates;
    Vector trial(theta.size() + d + 1);
    trial << theta, Vector::Zero(d + 1);
    for (index_t b = 0; b < d; ++b) trial(theta.size() + b) = points[c * d + b];
    fit_charges(pr, trial);
    const double rss = refine(pr, trial, o.iterations);
    const double b = bic(rss, trial.size() / (d + 1));
    if (b < best_bic) {
      theta = trial, best_rss = rss, best_bic = b, dropped = 0;
    } else {
      ++dropped;
    }
  }
  // 3. weak sources: |q| below min_charge_fraction of the median |q| are dropped, the rest refitted.
  const index_t m = theta.size() / (d + 1);
  if (m > 0 && o.min_charge_fraction > 0) {
    std::vector<double> size(static_cast<std::size_t>(m));
    for (index_t j = 0; j < m; ++j) size[std::size_t(j)] = std::abs(theta(j * (d + 1) + d));
    std::vector<double> sorted = size;
    std::nth_element(sorted.begin(), sorted.begin() + m / 2, sorted.end());
    const double floor = o.min_charge_fraction * sorted[std::size_t(m / 2)];
    Vector kept(0);
    for (index_t j = 0; j < m; ++j)
      if (size[std::size_t(j)] >= floor) {
        kept.conservativeResize(kept.size() + d + 1);
        kept.tail(d + 1) = theta.segment(j * (d + 1), d + 1);
      }
    if (kept.size() < theta.size()) {
      out.pruned = m - kept.size() / (d + 1);
      theta = kept;
      best_rss = theta.size() ? refine(pr, theta, o.iterations) : out.rss_none;
      best_bic = bic(best_rss, theta.size() / (d + 1));
    }
  }
  out.rss = best_rss, out.bic = best_bic;
  for (index_t j = 0; j < theta.size() / (d + 1); ++j) {
    PointSource s;
    s.position.assign(theta.data() + j * (d + 1), theta.data() + j * (d + 1) + d);
    s.charge = theta(j * (d + 1) + d);
    out.sources.push_back(std::move(s));
  }
  return out;
}

Tensor<double> point_source_field(const std::vector<PointSource>& sources, const Tensor<double>& points,
                                  double strength, double softening) {
  if (points.shape().rank != 2 || (points.shape()[1] != 2 && points.shape()[1] != 3))
    throw std::invalid_argument("point_source_field: points " + points.shape().str() + " must be (P, 2) or (P, 3)");
  const index_t d = points.shape()[1];
  Vector theta(static_cast<index_t>(sources.size()) * (d + 1));
  for (std::size_t j = 0; j < sources.size(); ++j) {
    if (static_cast<index_t>(sources[j].position.size()) != d)
      throw std::invalid_argument("point_source_field: source " + std::to_string(j) + " is not " + std::to_string(d) + "D");
    for (index_t b = 0; b < d; ++b) theta(static_cast<index_t>(j) * (d + 1) + b) = sources[j].position[b];
    theta(static_cast<index_t>(j) * (d + 1) + d) = sources[j].charge;
  }
  const Tensor<double> zero = Tensor<double>::zeros(points.shape());
  Problem pr{points, zero, {}, {}, d, strength, softening};
  for (index_t p = 0; p < points.shape()[0]; ++p) pr.rows.push_back(p), pr.sqrt_w.push_back(1.0);
  const Vector r = residuals(pr, theta, nullptr);
  Tensor<double> out(points.shape());
  for (index_t k = 0; k < points.numel(); ++k) out[k] = r(k);
  return out;
}

}  // namespace dg::nn
