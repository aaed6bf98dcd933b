// Helpers of the datasets tests: small parameter sets, array access, and an independent
// reference simulator (plain loops written from the published descriptions, not from
// datasets/ or physics/) used to check the generated frames.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/generate.hpp"
#include "datasets/trajectories.hpp"
#include "io/npy.hpp"

namespace dg::datasets::test {

// The generator's defaults shrunk for fast tests: a few simulations and steps (frames every 100
// steps unless the set's frames are closer), every other setting as published.
inline Params small_params(const Generator& g, std::int64_t train = 3, std::int64_t steps = 400) {
  Params p = default_params(g, false);
  const std::int64_t every = p.integer("every");
  p.set("train", train);
  p.set("val", 1);
  p.set("test", 1);
  p.set("steps", steps / 100 * every);
  p.set("test_steps", steps / 100 * every);
  if (p.has("burn_in")) p.set("burn_in", 100);
  if (p.has("input_frame")) p.set("input_frame", 0), p.set("target_frame", 1);
  return p;
}

// The doubles of array `name`.
inline std::vector<double> values(const io::NamedArrays& a, const std::string& name) {
  const auto s = io::find(a, name, "test").as<double>();
  return {s.begin(), s.end()};
}

// The state of a frame: (N, d) rows starting at `offset` of a (S, F, N, d) array.
inline std::vector<double> rows(const std::vector<double>& x, std::size_t offset, std::size_t count) {
  return {x.begin() + static_cast<std::ptrdiff_t>(offset), x.begin() + static_cast<std::ptrdiff_t>(offset + count)};
}

// The value stored at (sim, frame, particle, component): distinct for every place and kind.
inline double coded(std::int64_t s, std::int64_t f, std::int64_t n, std::int64_t c, bool velocity) {
  return (velocity ? -1.0 : 1.0) * (1000.0 * static_cast<double>(s) + 10.0 * static_cast<double>(f) +
                                    0.5 * static_cast<double>(n) + 0.125 * static_cast<double>(c) + 1.0);
}

// Trajectories whose every value names its place: S simulations of F frames, N particles, d dimensions; charge of (s,
// n) = s - n, mass s + n + 1.
inline Trajectories coded_trajectories(std::int64_t S, std::int64_t F, std::int64_t N, std::int64_t d) {
  Trajectories t;
  t.source = "coded";
  t.sims = S, t.frames = F, t.particles = N, t.dim = d;
  for (std::int64_t s = 0; s < S; ++s)
    for (std::int64_t f = 0; f < F; ++f)
      for (std::int64_t n = 0; n < N; ++n)
        for (std::int64_t c = 0; c < d; ++c) {
          t.positions.push_back(coded(s, f, n, c, false));
          t.velocities.push_back(coded(s, f, n, c, true));
        }
  for (std::int64_t s = 0; s < S; ++s)
    for (std::int64_t n = 0; n < N; ++n) {
      t.charges.push_back(static_cast<double>(s - n));
      t.masses.push_back(static_cast<double>(s + n + 1));
    }
  return t;
}

// The message of the DatasetError thrown by f (empty if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "";
}

inline double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// The settings of the reference simulator: Coulomb pairs (k, softening), fixed sources, a
// uniform magnetic field (3D), springs, a cap (per component or on the norm) and walls.
struct Reference {
  int d = 2;
  double k = 1, eps2 = 0;
  std::vector<double> charges;                    // (N)
  std::vector<double> sources, source_charges;    // (M, d), (M)
  std::vector<double> B;                          // (3) or empty
  std::vector<double> springs;                    // (N, N) constants or empty (then Coulomb)
  double component_cap = 0, norm_cap = 0;         // 0: none
  double box = 0;                                 // reflecting walls at +-box; 0: none

  // F (N, d) on unit masses at positions x, velocities v.
  std::vector<double> force(const std::vector<double>& x, const std::vector<double>& v) const {
    const std::size_t n = x.size() / static_cast<std::size_t>(d), D = static_cast<std::size_t>(d);
    std::vector<double> F(x.size(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (i == j) continue;
        double r2 = eps2;
        for (std::size_t c = 0; c < D; ++c) r2 += (x[i * D + c] - x[j * D + c]) * (x[i * D + c] - x[j * D + c]);
        const double w = springs.empty() ? k * charges[i] * charges[j] / std::pow(r2, 1.5) : -springs[i * n + j];
        for (std::size_t c = 0; c < D; ++c) F[i * D + c] += w * (x[i * D + c] - x[j * D + c]);
      }
      for (std::size_t s = 0; s < source_charges.size(); ++s) {
        double r2 = 0;
        for (std::size_t c = 0; c < D; ++c) r2 += (x[i * D + c] - sources[s * D + c]) * (x[i * D + c] - sources[s * D + c]);
        const double w = k * charges[i] * source_charges[s] / std::pow(r2, 1.5);
        for (std::size_t c = 0; c < D; ++c) F[i * D + c] += w * (x[i * D + c] - sources[s * D + c]);
      }
      if (!B.empty()) {
        const double* u = &v[i * 3];
        F[i * 3 + 0] += charges[i] * (u[1] * B[2] - u[2] * B[1]);
        F[i * 3 + 1] += charges[i] * (u[2] * B[0] - u[0] * B[2]);
        F[i * 3 + 2] += charges[i] * (u[0] * B[1] - u[1] * B[0]);
      }
      double norm2 = 0;
      for (std::size_t c = 0; c < D; ++c) norm2 += F[i * D + c] * F[i * D + c];
      for (std::size_t c = 0; c < D; ++c) {
        if (component_cap > 0) F[i * D + c] = std::min(component_cap, std::max(-component_cap, F[i * D + c]));
        if (norm_cap > 0 && norm2 > norm_cap * norm_cap) F[i * D + c] *= norm_cap / std::sqrt(norm2);
      }
    }
    return F;
  }

  // NRI's loop from a saved state: per step v += h F(x, v); x += h v; walls.
  void kick_drift(std::vector<double>& x, std::vector<double>& v, double h, std::int64_t steps) const {
    for (std::int64_t s = 0; s < steps; ++s) {
      const std::vector<double> F = force(x, v);
      for (std::size_t i = 0; i < x.size(); ++i) {
        v[i] += h * F[i];
        x[i] += h * v[i];
        if (box > 0 && x[i] > box) x[i] = 2 * box - x[i], v[i] = -std::abs(v[i]);
        if (box > 0 && x[i] < -box) x[i] = -2 * box - x[i], v[i] = std::abs(v[i]);
      }
    }
  }
};

}  // namespace dg::datasets::test
