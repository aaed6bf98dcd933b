// Statistics for the sampling tests: random starting states, and the standard error of a time
// average over several independent chains from the integrated autocorrelation time (effective
// sample size).
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"

namespace dg::test {

// (N, d) standard normal values scaled by `sd`, from the sequential Philox stream (seed, stream).
inline Tensor<double> normal_tensor(index_t n, index_t d, double sd, std::uint64_t seed, std::uint64_t stream) {
  Philox rng(seed, stream);
  Tensor<double> t({n, d});
  for (index_t i = 0; i < t.numel(); ++i) t[i] = sd * rng.normal();
  return t;
}

struct TimeAverage {
  double mean = 0;        // grand mean over chains and times
  double variance = 0;    // variance of one sample
  double tau = 1;         // integrated autocorrelation time, in samples
  double std_error = 0;   // sqrt(variance * tau / samples)
};

// y: (chains, length) samples, chain-major. The autocorrelation C(k) is averaged over chains and
// summed with Sokal's automatic window: tau = 1 + 2 sum_{k=1..M} C(k)/C(0) for the smallest M with
// M >= 5 tau(M). The standard error is that of the mean of `total_samples` samples with this tau
// (the series may come from a subset of the chains that enter the mean).
inline TimeAverage time_average(const std::vector<double>& y, std::size_t chains, std::size_t length, double grand_mean,
                                double total_samples) {
  TimeAverage r;
  r.mean = grand_mean;
  auto cov = [&](std::size_t lag) {
    double s = 0;
    for (std::size_t c = 0; c < chains; ++c) {
      const double* p = y.data() + c * length;
      for (std::size_t t = 0; t + lag < length; ++t) s += (p[t] - grand_mean) * (p[t + lag] - grand_mean);
    }
    return s / double(chains * (length - lag));
  };
  r.variance = cov(0);
  double tau = 1;
  for (std::size_t m = 1; m < length / 2; ++m) {
    tau += 2 * cov(m) / r.variance;
    if (double(m) >= 5 * tau) break;
  }
  r.tau = tau;
  r.std_error = std::sqrt(r.variance * tau / total_samples);
  return r;
}

}  // namespace dg::test
