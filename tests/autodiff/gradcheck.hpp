// Finite-difference checks for tests: compares the tape's gradients (first order, and the
// Hessian-vector product through the recorded backward) with central differences computed by
// an independent double-precision forward evaluation.
//
// An op under test is a generic lambda `f(tape, xs) -> Var` over any Tape<T>, so the same
// expression runs in float (checked) and in double (the finite-difference reference). It is held
// as an OpUnderTest (one std::function per precision), so the checker below is compiled once per
// precision rather than once per op: that cut this test's compile time several-fold.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "autodiff/ops.hpp"

namespace dg::test {

// One input of an op under test: its shape and how to draw its values.
struct InputSpec {
  Shape shape;
  double lo, hi;
  std::function<bool(double)> accept;  // reject values too close to kinks (optional)
  InputSpec(Shape s, double lo_ = -1.5, double hi_ = 1.5, std::function<bool(double)> accept_ = {})
      : shape(s), lo(lo_), hi(hi_), accept(std::move(accept_)) {}
};

inline std::vector<double> draw_values(const InputSpec& spec, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(spec.lo, spec.hi);
  std::vector<double> v(static_cast<std::size_t>(spec.shape.numel()));
  for (double& x : v) {
    do x = u(rng);
    while (spec.accept && !spec.accept(x));
  }
  return v;
}

template <class T>
Tensor<T> to_tensor(const Shape& s, const std::vector<double>& v) {
  Tensor<T> t(s);
  for (std::size_t i = 0; i < v.size(); ++i) t[static_cast<index_t>(i)] = static_cast<T>(v[i]);
  return t;
}

// The expression of an op under test, in float and in double.
class OpUnderTest {
 public:
  template <class F>
  OpUnderTest(F f) : in_float_(f), in_double_(f) {}  // NOLINT: implicit from any generic lambda
  Var<float> operator()(Tape<float>& t, std::vector<Var<float>>& xs) const { return in_float_(t, xs); }
  Var<double> operator()(Tape<double>& t, std::vector<Var<double>>& xs) const { return in_double_(t, xs); }

 private:
  std::function<Var<float>(Tape<float>&, std::vector<Var<float>>&)> in_float_;
  std::function<Var<double>(Tape<double>&, std::vector<Var<double>>&)> in_double_;
};

// loss = sum(f(xs) * W) for a fixed random weight W of f's output shape; W is drawn on first use.
template <class T>
Var<T> weighted_loss(Tape<T>& tape, const OpUnderTest& f, std::vector<Var<T>>& xs, std::vector<double>& w, std::mt19937_64& rng) {
  Var<T> y = f(tape, xs);
  if (w.empty()) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    w.resize(static_cast<std::size_t>(y.numel()));
    for (double& x : w) x = u(rng);
  }
  return sum(mul(y, tape.constant(to_tensor<T>(y.shape(), w))));
}

struct Tolerance {
  double rtol, atol;
};
template <class T>
Tolerance default_tolerance() {
  if constexpr (std::is_same_v<T, double>) return {1e-6, 1e-8};
  else return {3e-3, 3e-3};
}

inline bool close(double got, double want, Tolerance tol) { return std::abs(got - want) <= tol.atol + tol.rtol * std::abs(want); }

// Checks d loss / d inputs (numeric backward), the same gradient through the recorded
// backward (grad with create_graph), and the Hessian-vector product d/dx <grad, v> against
// central differences of double-precision evaluations. `max_checks` limits FD evaluations
// for large inputs (elements are sampled).
template <class T>
void gradcheck(const std::string& name, const OpUnderTest& f, const std::vector<InputSpec>& specs, std::uint64_t seed = 1,
               bool second_order = true, index_t max_checks = 64, double tolerance_scale = 1.0) {
  CAPTURE(name);
  std::mt19937_64 rng(seed);
  std::vector<std::vector<double>> x0;
  for (const InputSpec& s : specs) x0.push_back(draw_values(s, rng));
  std::vector<double> w;
  Tolerance tol = default_tolerance<T>();
  tol.rtol *= tolerance_scale;
  tol.atol *= tolerance_scale;

  // Double-precision loss and numeric gradient at arbitrary inputs (the reference evaluator).
  auto loss_at = [&](const std::vector<std::vector<double>>& xv) {
    Tape<double> t;
    std::vector<Var<double>> xs;
    for (std::size_t k = 0; k < specs.size(); ++k) xs.push_back(t.constant(to_tensor<double>(specs[k].shape, xv[k])));
    return weighted_loss(t, f, xs, w, rng).item();
  };
  auto grad_at = [&](const std::vector<std::vector<double>>& xv) {
    Tape<double> t;
    std::vector<Var<double>> xs;
    for (std::size_t k = 0; k < specs.size(); ++k) xs.push_back(t.variable(to_tensor<double>(specs[k].shape, xv[k])));
    t.backward(weighted_loss(t, f, xs, w, rng));
    std::vector<std::vector<double>> g;
    for (auto& x : xs) g.emplace_back(x.grad(), x.grad() + x.numel());
    return g;
  };
  loss_at(x0);  // draws W

  // Analytic gradients in T: numeric backward, and recorded backward.
  Tape<T> tape;
  std::vector<Var<T>> xs;
  for (std::size_t k = 0; k < specs.size(); ++k) xs.push_back(tape.variable(to_tensor<T>(specs[k].shape, x0[k])));
  Var<T> loss = weighted_loss(tape, f, xs, w, rng);
  std::vector<Var<T>> graph_grads = tape.grad(loss, std::span<const Var<T>>(xs), true);
  tape.backward(loss);

  const double h = 1e-6;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const index_t n = specs[k].shape.numel();
    const index_t step = std::max<index_t>(1, n / max_checks);
    for (index_t i = 0; i < n; i += step) {
      auto xp = x0, xm = x0;
      xp[k][static_cast<std::size_t>(i)] += h;
      xm[k][static_cast<std::size_t>(i)] -= h;
      const double fd = (loss_at(xp) - loss_at(xm)) / (2 * h);
      CAPTURE(k);
      CAPTURE(i);
      CAPTURE(fd);
      const double got = static_cast<double>(xs[k].grad()[i]);
      CAPTURE(got);
      CHECK(close(got, fd, tol));
      const double got_graph = static_cast<double>(graph_grads[k][i]);
      CAPTURE(got_graph);
      CHECK(close(got_graph, fd, tol));
    }
  }
  if (!second_order) return;

  // Hessian-vector product: d/dx <grad(x), v> via the recorded graph vs FD of the gradient along v.
  std::vector<std::vector<double>> v;
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (auto& xk : x0) {
    v.emplace_back(xk.size());
    for (double& e : v.back()) e = u(rng);
  }
  Var<T> gv = tape.zeros(Shape::scalar());
  for (std::size_t k = 0; k < specs.size(); ++k)
    gv = add(gv, sum(mul(graph_grads[k], tape.constant(to_tensor<T>(specs[k].shape, v[k])))));
  std::vector<Var<T>> hv = tape.grad(gv, std::span<const Var<T>>(xs), false);
  const double hh = 1e-5;
  auto xp = x0, xm = x0;
  for (std::size_t k = 0; k < x0.size(); ++k)
    for (std::size_t i = 0; i < x0[k].size(); ++i) {
      xp[k][i] += hh * v[k][i];
      xm[k][i] -= hh * v[k][i];
    }
  const auto gp = grad_at(xp), gm = grad_at(xm);
  Tolerance tol2 = std::is_same_v<T, double> ? Tolerance{1e-5, 1e-6} : Tolerance{1e-2, 1e-2};
  tol2.rtol *= tolerance_scale;
  tol2.atol *= tolerance_scale;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const index_t n = specs[k].shape.numel();
    const index_t step = std::max<index_t>(1, n / max_checks);
    for (index_t i = 0; i < n; i += step) {
      const double fd = (gp[k][static_cast<std::size_t>(i)] - gm[k][static_cast<std::size_t>(i)]) / (2 * hh);
      const double got = static_cast<double>(hv[k][i]);
      CAPTURE(k);
      CAPTURE(i);
      CAPTURE(fd);
      CAPTURE(got);
      CHECK(close(got, fd, tol2));
    }
  }
}

// Values at least `gap` away from each point in `kinks`.
inline std::function<bool(double)> away_from(std::vector<double> kinks, double gap = 0.05) {
  return [kinks, gap](double x) {
    for (double k : kinks)
      if (std::abs(x - k) < gap) return false;
    return true;
  };
}

}  // namespace dg::test
