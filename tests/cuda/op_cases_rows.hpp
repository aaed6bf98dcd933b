// The backend test's cases of the row ops (gather, scatter-add with sorted and unsorted indices
// and empty segments, row dot products and norms), of the fused ops linear and pair_linear with
// every activation, and of the Adam update (against the textbook formulas in double).
#pragma once

#include <algorithm>
#include <cmath>

#include "cuda/backend.hpp"
#include "tests/cuda/case_runner.hpp"

namespace dg::test {

inline std::vector<std::int32_t> random_index(std::mt19937_64& rng, index_t n, index_t range, bool sorted) {
  std::uniform_int_distribution<std::int32_t> u(0, static_cast<std::int32_t>(range - 1));
  std::vector<std::int32_t> v(static_cast<std::size_t>(n));
  for (auto& e : v) e = u(rng);
  if (sorted) std::sort(v.begin(), v.end());
  return v;
}

// The segment lists of `index` on the backend.
template <class A>
cuda::SegmentsView upload_segments(A& arrays, const std::vector<std::int32_t>& index, index_t segments) {
  const cuda::Segments s = cuda::build_segments("test", index, segments);
  return {arrays.make(s.start), arrays.make(s.order), segments};
}

template <class Backend, class Api>
void row_cases(CaseRunner<Backend>& run, const Api& api, std::mt19937_64& rng) {
  for (bool sorted : {false, true}) {
    const index_t R = 7, E = 40, C = 3;
    const std::vector<std::int32_t> index = random_index(rng, E, R - 2, sorted);  // the last 2 rows: empty segments
    const std::string order = sorted ? " sorted" : " unsorted";
    run.run(
        "gather_rows" + order, {Shape{R, C}}, -1, 1,
        [index](Tape<float>&, std::vector<Var<float>>& v) { return gather_rows(v[0], std::span(index)); },
        [=, &api](auto& arrays, DeviceRun& d) {
          api.gather_rows(d.y, false, d.x[0], static_cast<const std::int32_t*>(arrays.make(index)), E, C);
          api.segment_sum(d.gx[0], d.accumulate, d.g, upload_segments(arrays, index, R), C);
        });
    run.run(
        "scatter_add_rows" + order, {Shape{E, C}}, -1, 1,
        [index](Tape<float>&, std::vector<Var<float>>& v) { return scatter_add_rows(v[0], std::span(index), R); },
        [=, &api](auto& arrays, DeviceRun& d) {
          api.segment_sum(d.y, false, d.x[0], upload_segments(arrays, index, R), C);
          api.gather_rows(d.gx[0], d.accumulate, d.g, static_cast<const std::int32_t*>(arrays.make(index)), E, C);
        });
  }
  run.run(
      "row_dot (9, 4)", {Shape{9, 4}, Shape{9, 4}}, -1, 1,
      [](Tape<float>&, std::vector<Var<float>>& v) { return row_dot(v[0], v[1]); },
      [=, &api](auto&, DeviceRun& d) {
        api.row_dot(d.y, d.x[0], d.x[1], index_t(9), index_t(4), false);
        api.row_scale(d.gx[0], d.accumulate, d.g, d.x[1], static_cast<const float*>(nullptr), index_t(9), index_t(4));
        api.row_scale(d.gx[1], d.accumulate, d.g, d.x[0], static_cast<const float*>(nullptr), index_t(9), index_t(4));
      });
  run.run(
      "row_norm (9, 3)", {Shape{9, 3}}, -1, 1, [](Tape<float>&, std::vector<Var<float>>& v) { return row_norm(v[0]); },
      [=, &api](auto&, DeviceRun& d) {
        api.row_dot(d.y, d.x[0], d.x[0], index_t(9), index_t(3), true);
        api.row_scale(d.gx[0], d.accumulate, d.g, d.x[0], static_cast<const float*>(d.y), index_t(9), index_t(3));
      });
}

template <class Backend, class Api>
void fused_cases(CaseRunner<Backend>& run, const Api& api, std::mt19937_64& rng) {
  for (Act act : kActs) {
    const bool keep = act_needs_preactivation(act);
    for (bool with_bias : {true, false}) {
      const index_t R = 9, I = 5, O = 4;
      std::vector<Shape> shapes{Shape{R, I}, Shape{I, O}};
      if (with_bias) shapes.push_back(Shape{O});
      run.run(
          std::string("linear ") + act_name(act) + (with_bias ? " bias" : ""), shapes, -1, 1,
          [act](Tape<float>&, std::vector<Var<float>>& v) {
            return linear(v[0], v[1], v.size() > 2 ? v[2] : Var<float>{}, act);
          },
          [=, &api](auto& arrays, DeviceRun& d) {
            float* derivative = keep ? arrays.template make<float>(R * O) : nullptr;
            const float* bias = with_bias ? d.x[2] : nullptr;
            api.linear_forward(act, d.y, derivative, d.x[0], d.x[1], bias, R, I, O);
            float* gz = arrays.template make<float>(R * O);
            api.activation_backward(act, gz, d.g, static_cast<const float*>(d.y), static_cast<const float*>(derivative),
                                    R * O);
            api.matmul(d.gx[0], static_cast<const float*>(gz), d.x[1], R, I, O, false, true, d.accumulate);
            api.matmul(d.gx[1], d.x[0], static_cast<const float*>(gz), I, O, R, true, false, d.accumulate);
            if (with_bias) api.sum_to(d.gx[2], d.accumulate, Shape{O}, static_cast<const float*>(gz), Shape{R, O});
          });
    }
    for (bool with_a : {true, false}) {
      const index_t Np = 5, Nq = 6, E = 30, H = 4, A = 3;
      const std::vector<std::int32_t> first = random_index(rng, E, Np, true), second = random_index(rng, E, Nq, false);
      std::vector<Shape> shapes{Shape{Np, H}, Shape{Nq, H}};
      if (with_a) shapes.push_back(Shape{E, A}), shapes.push_back(Shape{A, H});
      run.run(
          std::string("pair_linear ") + act_name(act) + (with_a ? " a W" : ""), shapes, -1, 1,
          [act, first, second](Tape<float>&, std::vector<Var<float>>& v) {
            const bool a = v.size() > 2;
            return pair_linear(v[0], std::span(first), v[1], std::span(second), a ? v[2] : Var<float>{},
                               a ? v[3] : Var<float>{}, act);
          },
          [=, &api](auto& arrays, DeviceRun& d) {
            float* derivative = keep ? arrays.template make<float>(E * H) : nullptr;
            const index_t a_cols = with_a ? A : 0;
            const float* a = with_a ? d.x[2] : nullptr;
            const float* W = with_a ? d.x[3] : nullptr;
            api.pair_linear_forward(act, d.y, derivative, d.x[0], static_cast<const std::int32_t*>(arrays.make(first)),
                                    d.x[1], static_cast<const std::int32_t*>(arrays.make(second)), a, W, E, H, a_cols);
            float* gz = arrays.template make<float>(E * H);
            api.activation_backward(act, gz, d.g, static_cast<const float*>(d.y), static_cast<const float*>(derivative),
                                    E * H);
            api.segment_sum(d.gx[0], d.accumulate, static_cast<const float*>(gz), upload_segments(arrays, first, Np),
                            H);
            api.segment_sum(d.gx[1], d.accumulate, static_cast<const float*>(gz), upload_segments(arrays, second, Nq),
                            H);
            if (with_a) {
              api.matmul(d.gx[2], static_cast<const float*>(gz), W, E, A, H, false, true, d.accumulate);
              api.matmul(d.gx[3], a, static_cast<const float*>(gz), A, H, E, true, false, d.accumulate);
            }
          });
    }
  }
}

// Ten Adam steps on the backend against Kingma & Ba's formulas in double (bias-corrected moments).
template <class Backend, class Api>
CaseResult adam_case(Backend& be, const Api& api, std::mt19937_64& rng) {
  CaseResult r;
  r.name = "adam (1000), 10 steps";
  const index_t n = 1000;
  const double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  std::normal_distribution<float> normal;
  std::vector<float> p(n), g(n), zeros(n, 0.0f);
  for (index_t i = 0; i < n; ++i) p[i] = normal(rng), g[i] = normal(rng);
  std::vector<double> pd(p.begin(), p.end()), m(n, 0.0), v(n, 0.0);
  Arrays<Backend> arrays(be);
  float* dp = arrays.make(p);
  float* dm = arrays.make(zeros);
  float* dv = arrays.make(zeros);
  const float* dg = arrays.make(g);
  for (int t = 1; t <= 10; ++t) {
    const double c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
    const cuda::AdamStep<float> step{float(lr / c1), float(std::sqrt(c2)), float(b1), float(b2), float(1 - b1),
                                     float(1 - b2),  float(eps),           0.0f,      1.0f};
    api.adam_update(dp, dg, dm, dv, n, step);
    for (index_t i = 0; i < n; ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      pd[i] -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
    }
  }
  r.error = normalised_error(arrays.read(static_cast<const float*>(dp), n), std::vector<float>(pd.begin(), pd.end()));
  if (std::string guards = arrays.check_guards({dg}); !guards.empty())
    r.problem = guards;
  else if (!(r.error <= kMaxError))
    r.problem = "error above 1e-7";
  return r;
}

}  // namespace dg::test
