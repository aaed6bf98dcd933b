// The double well and the Gaussian mixture with their exact statistics (data.hpp).
#include "examples/langevin_sampling/data.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dg::langevin_sampling {

Target double_well() {
  Target t{.name = "double_well", .dim = 1, .lo = -2.5, .hi = 2.5, .bins = 100, .accel = {}, .bin_probability = {},
           .mean_r2 = 0, .sample_exact = {}};
  t.accel = [](const Tensor<double>& q, Tensor<double>& a) {
    for (index_t i = 0; i < q.numel(); ++i) a[i] = -4 * q[i] * (q[i] * q[i] - 1);
  };
  // The density on a fine grid over [-3, 3] (beyond, exp(-U) < 1e-27): bin masses, <x^2> and a
  // table of the cumulative distribution for exact samples.
  const int fine = 64;  // grid points per bin
  const double h = (t.hi - t.lo) / double(t.bins * fine);
  std::vector<double> x, cdf{0};
  for (double xi = -3 + h / 2; xi < 3; xi += h) x.push_back(xi);
  double total = 0, r2 = 0;
  t.bin_probability.assign(static_cast<std::size_t>(t.bins), 0.0);
  for (double xi : x) {
    const double p = std::exp(-(xi * xi - 1) * (xi * xi - 1)) * h;
    total += p;
    r2 += p * xi * xi;
    cdf.push_back(total);
    const auto b = static_cast<index_t>(std::floor((xi - t.lo) / (t.hi - t.lo) * double(t.bins)));
    if (b >= 0 && b < t.bins) t.bin_probability[static_cast<std::size_t>(b)] += p;
  }
  for (double& p : t.bin_probability) p /= total;
  for (double& c : cdf) c /= total;
  t.mean_r2 = r2 / total;
  t.sample_exact = [x, cdf, h](Philox& rng, Tensor<double>& q) {
    for (index_t i = 0; i < q.numel(); ++i) {
      const double u = rng.uniform01();
      const auto k = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()) - 1;
      const double frac = (u - cdf[k]) / (cdf[k + 1] - cdf[k]);
      q[i] = x[std::min(k, x.size() - 1)] - h / 2 + frac * h;
    }
  };
  return t;
}

Target gaussian_mixture() {
  static constexpr double mu[3][2] = {{-1.5, 0}, {1.5, 0}, {0, 1.5}};
  static constexpr double sd = 0.5;
  Target t{.name = "mixture", .dim = 2, .lo = -3, .hi = 3, .bins = 40, .accel = {}, .bin_probability = {},
           .mean_r2 = 0, .sample_exact = {}};
  // a = grad log p = sum_k r_k (mu_k - x) / sd^2, r_k the responsibilities.
  t.accel = [](const Tensor<double>& q, Tensor<double>& a) {
    for (index_t i = 0; i < q.rows(); ++i) {
      double w[3], wsum = 0, ax = 0, ay = 0;
      for (int k = 0; k < 3; ++k) {
        const double dx = q(i, 0) - mu[k][0], dy = q(i, 1) - mu[k][1];
        w[k] = std::exp(-(dx * dx + dy * dy) / (2 * sd * sd));
        wsum += w[k];
      }
      for (int k = 0; k < 3; ++k) ax += w[k] * (mu[k][0] - q(i, 0)), ay += w[k] * (mu[k][1] - q(i, 1));
      a(i, 0) = ax / (wsum * sd * sd);
      a(i, 1) = ay / (wsum * sd * sd);
    }
  };
  // Bin masses from the normal distribution function, axis by axis.
  auto mass = [](double a, double b, double m) {
    return 0.5 * (std::erfc((a - m) / (sd * std::numbers::sqrt2)) - std::erfc((b - m) / (sd * std::numbers::sqrt2)));
  };
  const double w = (t.hi - t.lo) / double(t.bins);
  t.bin_probability.assign(static_cast<std::size_t>(t.bins * t.bins), 0.0);
  for (index_t j = 0; j < t.bins; ++j)
    for (index_t i = 0; i < t.bins; ++i)
      for (int k = 0; k < 3; ++k)
        t.bin_probability[static_cast<std::size_t>(j * t.bins + i)] +=
            mass(t.lo + double(i) * w, t.lo + double(i + 1) * w, mu[k][0]) *
            mass(t.lo + double(j) * w, t.lo + double(j + 1) * w, mu[k][1]) / 3;
  for (int k = 0; k < 3; ++k) t.mean_r2 += (mu[k][0] * mu[k][0] + mu[k][1] * mu[k][1] + 2 * sd * sd) / 3;
  t.sample_exact = [](Philox& rng, Tensor<double>& q) {
    for (index_t i = 0; i < q.rows(); ++i) {
      const auto k = std::min<std::size_t>(2, static_cast<std::size_t>(3 * rng.uniform01()));
      q(i, 0) = mu[k][0] + sd * rng.normal();
      q(i, 1) = mu[k][1] + sd * rng.normal();
    }
  };
  return t;
}

}  // namespace dg::langevin_sampling
