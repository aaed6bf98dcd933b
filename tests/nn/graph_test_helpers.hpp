// Helpers for the graph-layer and neural-field tests: random tensors and graphs, random orthogonal
// maps (rotations and reflections), node permutations of a GraphBatch, comparisons of outputs, and
// the finite-difference check of a gradient with respect to an input.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <vector>

#include <doctest/doctest.h>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"
#include "nn/graph/graph_batch.hpp"

namespace dg::test {

// Values uniform in (lo, hi) from (seed, stream 7).
template <class T>
Tensor<T> uniform_tensor(const Shape& s, std::uint64_t seed, double lo = -1, double hi = 1) {
  Philox rng(seed, 7);
  Tensor<T> t(s);
  for (index_t i = 0; i < t.numel(); ++i) t[i] = static_cast<T>(rng.uniform(lo, hi));
  return t;
}

// A random d x d orthogonal matrix (row-major), Gram-Schmidt on a Gaussian matrix; with
// `reflection` its determinant is -1, otherwise +1.
inline std::vector<double> random_orthogonal(int d, std::uint64_t seed, bool reflection) {
  Philox rng(seed, 11);
  std::vector<double> q(static_cast<std::size_t>(d * d));
  for (double& v : q) v = rng.normal();
  for (int r = 0; r < d; ++r) {
    for (int p = 0; p < r; ++p) {
      double dot = 0;
      for (int c = 0; c < d; ++c) dot += q[r * d + c] * q[p * d + c];
      for (int c = 0; c < d; ++c) q[r * d + c] -= dot * q[p * d + c];
    }
    double norm = 0;
    for (int c = 0; c < d; ++c) norm += q[r * d + c] * q[r * d + c];
    for (int c = 0; c < d; ++c) q[r * d + c] /= std::sqrt(norm);
  }
  // The sign of the determinant from a plain LU elimination of a copy.
  std::vector<double> a = q;
  double det = 1;
  for (int k = 0; k < d; ++k) {
    int piv = k;
    for (int r = k + 1; r < d; ++r)
      if (std::abs(a[r * d + k]) > std::abs(a[piv * d + k])) piv = r;
    if (piv != k) {
      for (int c = 0; c < d; ++c) std::swap(a[k * d + c], a[piv * d + c]);
      det = -det;
    }
    det *= a[k * d + k];
    for (int r = k + 1; r < d; ++r) {
      const double f = a[r * d + k] / a[k * d + k];
      for (int c = k; c < d; ++c) a[r * d + c] -= f * a[k * d + c];
    }
  }
  if ((det < 0) != reflection)
    for (int c = 0; c < d; ++c) q[c] = -q[c];  // flip the first row
  return q;
}

// Rows of x mapped by y = x Q^T + t (t may be empty: no translation), computed in double.
template <class T>
Tensor<T> transform_rows(const Tensor<T>& x, const std::vector<double>& q, const std::vector<double>& t) {
  const index_t d = x.cols();
  Tensor<T> y(x.shape());
  for (index_t r = 0; r < x.rows(); ++r)
    for (index_t i = 0; i < d; ++i) {
      double s = t.empty() ? 0.0 : t[i];
      for (index_t k = 0; k < d; ++k) s += q[i * d + k] * static_cast<double>(x(r, k));
      y(r, i) = static_cast<T>(s);
    }
  return y;
}

// Row i of x moved to row perm[i].
template <class T>
Tensor<T> permute_rows(const Tensor<T>& x, const std::vector<std::int32_t>& perm) {
  Tensor<T> y(x.shape());
  for (index_t r = 0; r < x.rows(); ++r)
    std::copy(x.data() + r * x.cols(), x.data() + (r + 1) * x.cols(), y.data() + perm[r] * x.cols());
  return y;
}

// A permutation of the nodes that keeps each node in its graph (the batch layout is unchanged).
inline std::vector<std::int32_t> random_node_permutation(const nn::GraphBatch& g, std::uint64_t seed) {
  std::vector<std::int32_t> perm(static_cast<std::size_t>(g.num_nodes));
  std::iota(perm.begin(), perm.end(), 0);
  Philox rng(seed, 13);
  for (index_t b = 0; b < g.num_graphs; ++b)
    std::shuffle(perm.begin() + g.graph_start[b], perm.begin() + g.graph_start[b + 1], rng);
  return perm;
}

// The same graph with node i renamed perm[i]; edge e keeps its position in the lists.
inline nn::GraphBatch permute_graph(const nn::GraphBatch& g, const std::vector<std::int32_t>& perm) {
  nn::GraphBatch p = g;
  for (std::size_t e = 0; e < g.senders.size(); ++e) {
    p.senders[e] = perm[g.senders[e]];
    p.receivers[e] = perm[g.receivers[e]];
  }
  return p;
}

// Graphs of the given sizes where each ordered pair (i != j) is an edge with probability 1/2
// (drawn from `seed`), so degrees differ from node to node.
inline nn::GraphBatch random_graph(const std::vector<index_t>& sizes, std::uint64_t seed) {
  nn::GraphBatch g = nn::fully_connected(std::span<const index_t>(sizes));
  Philox rng(seed, 17);
  nn::GraphBatch out = g;
  out.senders.clear();
  out.receivers.clear();
  for (std::size_t e = 0; e < g.senders.size(); ++e)
    if (rng() & 1u) {
      out.senders.push_back(g.senders[e]);
      out.receivers.push_back(g.receivers[e]);
    }
  return out;
}

// max |a - b| / max(1, max |a|): a relative error that stays meaningful near zero.
template <class T>
double relative_difference(const T* a, const T* b, index_t n) {
  double diff = 0, scale = 1;
  for (index_t i = 0; i < n; ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    scale = std::max(scale, std::abs(static_cast<double>(a[i])));
  }
  return diff / scale;
}

// Central differences of loss = sum(f(tape, x) * W), W random, with respect to every element of
// x, against the tape's gradient.
template <class F>
void check_input_gradient(Tensor<double> x, F f, double tol = 1e-6) {
  Tensor<double> w;
  bool drawn = false;
  auto loss = [&](Tape<double>& tape, Var<double> vx) {
    Var<double> y = f(tape, vx);
    if (!drawn) w = uniform_tensor<double>(y.shape(), 77), drawn = true;
    return sum(y * tape.constant(w));
  };
  Tape<double> tape;
  Var<double> vx = tape.variable(x);
  tape.backward(loss(tape, vx));
  const std::vector<double> grad(vx.grad(), vx.grad() + x.numel());
  for (index_t i = 0; i < x.numel(); ++i) {
    const double old = x[i], h = 1e-6;
    Tape<double> t;
    x[i] = old + h;
    const double plus = loss(t, t.constant(x)).item();
    x[i] = old - h;
    const double minus = loss(t, t.constant(x)).item();
    x[i] = old;
    CAPTURE(i);
    CHECK(grad[static_cast<std::size_t>(i)] == doctest::Approx((plus - minus) / (2 * h)).epsilon(tol).scale(1));
  }
}

// Runs run(threads) -> std::vector<float> (outputs and gradients) with 1 and with 2 threads and
// checks the two results bit for bit; restores the thread count.
template <class F>
void check_same_bits_with_1_and_2_threads(F run) {
  const int before = num_threads();
  set_num_threads(1);
  const std::vector<float> one = run();
  set_num_threads(2);
  const std::vector<float> two = run();
  set_num_threads(before);
  REQUIRE(one.size() == two.size());
  CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
}

}  // namespace dg::test
