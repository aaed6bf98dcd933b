// All-pairs kernels over a pair law (pair_laws.hpp), templated on the dimension D and the metric
// (plain or minimum-image distances). Internal to physics/.
//
// Determinism: small systems (N <= kSerialPairsMax) run serially, each pair once (Newton's third
// law, half the work: the lean path for N = 5, no parallel region, no allocation). Larger systems
// run in parallel over fixed chunks of target particles; each target sums all its partners in
// increasing index order. Which path runs depends on N only, so the bits never depend on the
// thread count. Pair sums (energy, virial) use per-chunk partial sums added in chunk order.
#pragma once

#include <algorithm>
#include <cmath>
#include <mutex>
#include <vector>

#include "autodiff/parallel.hpp"

namespace dg::physics::detail {

inline constexpr index_t kSerialPairsMax = 64;
inline constexpr index_t kTargetGrain = 16;  // targets per chunk in the parallel path
inline constexpr index_t kPairCost = 20;      // flops of one pair, for the parallel threshold

// x_i - x_j as given.
template <int D>
struct OpenMetric {
  void operator()(double (&)[D]) const {}
};

// x_i - x_j folded to the nearest periodic image (any |dx|, not only |dx| < L).
template <int D>
struct PeriodicMetric {
  double side[D], inv_side[D];
  void operator()(double (&dx)[D]) const {
    for (int k = 0; k < D; ++k) dx[k] -= side[k] * std::floor(dx[k] * inv_side[k] + 0.5);
  }
};

// The first (smallest i, then j) pair found at distance zero, i < j; merged across chunks under a
// lock that is taken only when such a pair exists.
struct Coincidence {
  index_t i = -1, j = -1;
  bool found() const { return i >= 0; }
  void note(index_t a, index_t b) {
    if (a > b) std::swap(a, b);
    if (!found() || a < i || (a == i && b < j)) {
      i = a;
      j = b;
    }
  }
  void merge(const Coincidence& o, std::mutex& m) {
    if (!o.found()) return;
    std::lock_guard<std::mutex> lock(m);
    note(o.i, o.j);
  }
};

template <int D, class Metric>
inline double displacement(const Metric& metric, const double* xi, const double* xj, double (&dx)[D]) {
  for (int k = 0; k < D; ++k) dx[k] = xi[k] - xj[k];
  metric(dx);
  double r2 = 0;
  for (int k = 0; k < D; ++k) r2 += dx[k] * dx[k];
  return r2;
}

// fi (D) += forces on i from partners j in [j0, j1) (j != i assumed); returns whether a partner
// sits at distance zero.
template <int D, class Law, class Metric>
inline bool accumulate_partners(const Law& law, const Metric& metric, index_t i, const double* q, index_t j0,
                                index_t j1, double (&fi)[D]) {
  const double* xi = q + i * D;
  bool zero = false;
  for (index_t j = j0; j < j1; ++j) {
    double dx[D];
    const double r2 = displacement<D>(metric, xi, q + j * D, dx);
    zero |= r2 == 0.0;
    const double s = law.scale(i, j, r2);
    for (int k = 0; k < D; ++k) fi[k] += s * dx[k];
  }
  return zero;
}

// The first partner of i in [j0, j1) at distance zero (error path only).
template <int D, class Metric>
inline index_t first_zero_partner(const Metric& metric, index_t i, const double* q, index_t j0, index_t j1) {
  for (index_t j = j0; j < j1; ++j) {
    double dx[D];
    if (j != i && displacement<D>(metric, q + i * D, q + j * D, dx) == 0.0) return j;
  }
  return -1;
}

// F (n, D) += the pair forces of `law` among the n points q (n, D). Returns the first coincident
// pair when the law is singular there (F then holds non-finite values: the caller throws).
template <int D, class Law, class Metric>
Coincidence add_all_pairs(const Law& law, const Metric& metric, const double* q, index_t n, double* F) {
  Coincidence bad;
  if (n <= kSerialPairsMax) {
    // Each pair once: +s dx on i, -s dx on j.
    for (index_t i = 0; i < n; ++i) {
      const double* xi = q + i * D;
      double fi[D] = {};
      for (index_t j = i + 1; j < n; ++j) {
        double dx[D];
        const double r2 = displacement<D>(metric, xi, q + j * D, dx);
        if (law.singular && r2 == 0.0) bad.note(i, j);
        const double s = law.scale(i, j, r2);
        for (int k = 0; k < D; ++k) {
          fi[k] += s * dx[k];
          F[j * D + k] -= s * dx[k];
        }
      }
      for (int k = 0; k < D; ++k) F[i * D + k] += fi[k];
    }
    return bad;
  }
  std::mutex lock;
  parallel_chunks(n, kTargetGrain, n * n * kPairCost, [&](index_t, index_t begin, index_t end) {
    Coincidence local;
    for (index_t i = begin; i < end; ++i) {
      double fi[D] = {};
      bool zero = accumulate_partners<D>(law, metric, i, q, 0, i, fi);
      zero |= accumulate_partners<D>(law, metric, i, q, i + 1, n, fi);
      for (int k = 0; k < D; ++k) F[i * D + k] += fi[k];
      if (zero && law.singular) local.note(i, first_zero_partner<D>(metric, i, q, 0, n));
    }
    bad.merge(local, lock);
  });
  return bad;
}

// sum over pairs i < j of f(i, j, r2); also reports a pair at distance zero of a singular law.
template <int D, class Metric, class PairFn>
double sum_over_pairs(const Metric& metric, const double* q, index_t n, bool singular, PairFn f, Coincidence& bad) {
  auto rows = [&](index_t begin, index_t end, Coincidence& found) {
    double total = 0;
    for (index_t i = begin; i < end; ++i) {
      double row = 0;
      for (index_t j = i + 1; j < n; ++j) {
        double dx[D];
        const double r2 = displacement<D>(metric, q + i * D, q + j * D, dx);
        if (singular && r2 == 0.0) found.note(i, j);
        row += f(i, j, r2);
      }
      total += row;
    }
    return total;
  };
  if (n <= kSerialPairsMax) return rows(0, n, bad);
  const index_t chunks = chunk_count(n, kTargetGrain);
  std::vector<double> partial(static_cast<std::size_t>(chunks), 0.0);  // (chunks)
  std::mutex lock;
  parallel_chunks(n, kTargetGrain, n * n * kPairCost / 2, [&](index_t c, index_t begin, index_t end) {
    Coincidence local;
    partial[static_cast<std::size_t>(c)] = rows(begin, end, local);
    bad.merge(local, lock);
  });
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

}  // namespace dg::physics::detail
