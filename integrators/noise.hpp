// Gaussian noise for the stochastic schemes, from the counter-based Philox generator.
//
// The noise of step k for particle i and component c comes from ONE Philox block keyed by
// (seed, k, i, c): normal_pair gives two independent standard normals (xi1, xi2). A scheme turns
// them into its noise through a per-particle lower-triangular factor L of its 2x2 covariance:
//
//   first  = l11 xi1                 BAOAB, LFMiddle, Euler-Maruyama: one noise (l21 = l22 = 0)
//   second = l21 xi1 + l22 xi2       OBABO: two independent half-steps (l21 = 0, l22 = l11);
//                                    mean-field Langevin: velocity and position noise, correlated
//
// Nothing depends on the order in which particles are visited, so the noise is the same bits with
// any number of threads, and a state's (seed, step) is its whole random state.
#pragma once

#include <cstdint>
#include <span>

#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"

namespace dg::integrators {

// Lower Cholesky factor of one particle's 2x2 noise covariance (per component).
struct NoiseFactor {
  double l11 = 0, l21 = 0, l22 = 0;
};

// Work weight of one Gaussian pair against kParallelWork. A pair costs about 50 ns, but it is
// counted as 8 so that threads start only from 2048 pairs (about 0.1 ms of work): a parallel
// region costs microseconds, and far more on a busy machine where a thread may be descheduled.
inline constexpr index_t kNoisePairCost = 8;

// Fills first (N, d) and, when given, second (N, d) with the noise of step `step`.
// factor: (N) one factor per particle.
template <class S>
void draw_noise(Tensor<S>& first, Tensor<S>* second, std::uint64_t seed, std::int64_t step,
                std::span<const NoiseFactor> factor) {
  const index_t n = first.rows(), d = first.cols();
  S* p1 = first.data();     // (N, d)
  S* p2 = second ? second->data() : nullptr;  // (N, d) or none
  parallel_for(n, n * d * kNoisePairCost, [&](index_t lo, index_t hi) {
    for (index_t i = lo; i < hi; ++i) {
      const NoiseFactor f = factor[static_cast<std::size_t>(i)];
      for (index_t c = 0; c < d; ++c) {
        const auto xi = normal_pair(seed, static_cast<std::uint64_t>(step), static_cast<std::uint32_t>(i),
                                    static_cast<std::uint32_t>(c));
        p1[i * d + c] = static_cast<S>(f.l11 * xi[0]);
        if (p2) p2[i * d + c] = static_cast<S>(f.l21 * xi[0] + f.l22 * xi[1]);
      }
    }
  });
}

}  // namespace dg::integrators
