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
struct OpenMetric {
  double wrap(double dx, int) const { return dx; }
};

// x_i - x_j folded to the nearest periodic image (any |dx|, not only |dx| < L). nearbyint
// (round to nearest in the default rounding mode) vectorises where floor would need
// -fno-trapping-math; at |dx| = L/2 exactly both images are equally near.
struct PeriodicMetric {
  double side[3], inv_side[3];
  double wrap(double dx, int k) const { return dx - side[k] * std::nearbyint(dx * inv_side[k]); }
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

// dx (D) = metric(x_i - x_j); returns |dx|^2.
template <int D, class Metric>
inline double displacement(const Metric& metric, const double* xi, const double* xj, double (&dx)[D]) {
  double r2 = 0;
  for (int k = 0; k < D; ++k) {
    dx[k] = metric.wrap(xi[k] - xj[k], k);
    r2 += dx[k] * dx[k];
  }
  return r2;
}

// Partner numbering of a kernel: the identity (all pairs) or a table (the cell list's order).
struct Identity {
  index_t operator[](index_t j) const { return j; }
};

// fi (D) += forces on i from the partners j in [j0, j1) (i itself must not be in the range: the
// callers split the range around it, which keeps the loop free of branches). ids[j] is the
// particle number the law sees. Returns false when the sum is not finite: a singular law met a
// partner at distance zero (inf * 0 = NaN) or the input held NaN/Inf; the caller then looks for
// the pair. Written with scalar components and an `omp simd` reduction so that it vectorises (the
// physics library is built with -fno-math-errno so that sqrt does too); the lane order is fixed
// at compile time, so the bits still do not depend on the thread count. Kept out of line: GCC 12
// vectorises it on its own but not always once inlined into the callers' loops (measured: 4x).
template <int D, class Law, class Metric, class Ids>
[[gnu::noinline]] bool accumulate_partners(const Law& law, const Metric& metric, index_t i, const double* xi, const double* xs,
                                const Ids& ids, index_t j0, index_t j1, double (&fi)[D]) {
  static_assert(D == 2 || D == 3);
  const double x0 = xi[0], x1 = xi[1], x2 = xi[D - 1];
  double f0 = 0, f1 = 0, f2 = 0;
#ifdef _OPENMP  // without OpenMP the loop stays scalar (and no unknown-pragma warning)
#pragma omp simd reduction(+ : f0, f1, f2)
#endif
  for (index_t j = j0; j < j1; ++j) {
    const double* xj = xs + j * D;
    const double d0 = metric.wrap(x0 - xj[0], 0);
    const double d1 = metric.wrap(x1 - xj[1], 1);
    const double d2 = D == 3 ? metric.wrap(x2 - xj[D - 1], D - 1) : 0.0;
    const double r2 = d0 * d0 + d1 * d1 + d2 * d2;
    const double s = law.scale(i, ids[j], r2);
    f0 += s * d0;
    f1 += s * d1;
    f2 += s * d2;
  }
  fi[0] += f0;
  fi[1] += f1;
  if constexpr (D == 3) fi[2] += f2;
  return std::isfinite(f0 + f1 + f2);
}

// The same over [j0, j1) minus the position `self` (when it lies inside).
template <int D, class Law, class Metric, class Ids>
inline bool accumulate_partners_except(const Law& law, const Metric& metric, index_t i, const double* xi,
                                       const double* xs, const Ids& ids, index_t j0, index_t j1, index_t self,
                                       double (&fi)[D]) {
  if (self < j0 || self >= j1) return accumulate_partners<D>(law, metric, i, xi, xs, ids, j0, j1, fi);
  const bool a = accumulate_partners<D>(law, metric, i, xi, xs, ids, j0, self, fi);
  const bool b = accumulate_partners<D>(law, metric, i, xi, xs, ids, self + 1, j1, fi);
  return a && b;
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
      const bool finite = accumulate_partners_except<D>(law, metric, i, q + i * D, q, Identity{}, 0, n, i, fi);
      for (int k = 0; k < D; ++k) F[i * D + k] += fi[k];
      if (!finite && law.singular) {
        const index_t j = first_zero_partner<D>(metric, i, q, 0, n);
        if (j >= 0) local.note(i, j);
      }
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
