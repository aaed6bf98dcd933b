// Helpers shared by the physics tests: random configurations (Philox, so every test is
// reproducible), central finite differences of energies, and array comparisons.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>

#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"

namespace dg::test {

// (n, d) positions uniform in [lo, hi) per coordinate.
inline Tensor<double> random_points(index_t n, int d, double lo, double hi, std::uint64_t seed) {
  Tensor<double> q(Shape{n, d});
  Philox rng(seed);
  for (index_t i = 0; i < q.numel(); ++i) q[i] = rng.uniform(lo, hi);
  return q;
}

// (n) values uniform in [lo, hi).
inline Tensor<double> random_values(index_t n, double lo, double hi, std::uint64_t seed) {
  Tensor<double> x(Shape{n});
  Philox rng(seed, 1);
  for (index_t i = 0; i < n; ++i) x[i] = rng.uniform(lo, hi);
  return x;
}

// (n) values +1 or -1.
inline Tensor<double> random_signs(index_t n, std::uint64_t seed) {
  Tensor<double> x(Shape{n});
  Philox rng(seed, 2);
  for (index_t i = 0; i < n; ++i) x[i] = (rng() & 1u) ? 1.0 : -1.0;
  return x;
}

// -dU/dq by central differences with step h (q's shape).
inline Tensor<double> minus_gradient_fd(const std::function<double(const Tensor<double>&)>& U, const Tensor<double>& q,
                                        double h = 1e-6) {
  Tensor<double> g(q.shape());
  Tensor<double> x = q;
  for (index_t i = 0; i < q.numel(); ++i) {
    x[i] = q[i] + h;
    const double up = U(x);
    x[i] = q[i] - h;
    const double down = U(x);
    x[i] = q[i];
    g[i] = -(up - down) / (2 * h);
  }
  return g;
}

inline double max_abs(const Tensor<double>& a) {
  double m = 0;
  for (index_t i = 0; i < a.numel(); ++i) m = std::max(m, std::abs(a[i]));
  return m;
}

inline double max_abs_diff(const Tensor<double>& a, const Tensor<double>& b) {
  double m = 0;
  for (index_t i = 0; i < a.numel(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

inline bool bitwise_equal(const Tensor<double>& a, const Tensor<double>& b) {
  return a.shape() == b.shape() && std::equal(a.data(), a.data() + a.numel(), b.data());
}

}  // namespace dg::test
