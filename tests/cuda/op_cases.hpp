// The cases of the backend test: every tape op, forward and backward, on inputs of several shapes
// (broadcast, 3-d, scalar, empty segments, sorted and unsorted indices), each computed on the
// backend through `api` (the functions of cuda/backend.hpp, as the backward switch would call
// them) and on the CPU tape (case_runner.hpp). Adam is checked against the textbook formulas.
#pragma once

#include <algorithm>
#include <cmath>

#include "cuda/backend.hpp"
#include "tests/cuda/case_runner.hpp"

namespace dg::test {

inline Var<float> tape_unary(Op op, Var<float> x, Attributes at) {
  switch (op) {
#define DG_CASE_UNARY(e, f) \
  case Op::e: return f(x);
    DG_UNARY_OPS(DG_CASE_UNARY)
#undef DG_CASE_UNARY
    case Op::Pow: return pow(x, at.exponent);
    case Op::Clamp: return clamp(x, at.bounds.lo, at.bounds.hi);
    case Op::Scale: return scale(x, at.factor);
    case Op::AddScalar: return add_scalar(x, at.addend);
    case Op::Mask: return mask(x, at.bounds.lo, at.bounds.hi);
    default: throw std::logic_error("tape_unary: not a unary op");
  }
}

inline Var<float> tape_binary(Op op, Var<float> a, Var<float> b) {
  return op == Op::Add ? a + b : op == Op::Sub ? a - b : op == Op::Mul ? a * b : a / b;
}

template <class Backend, class Api>
void elementwise_cases(CaseRunner<Backend>& run, const Api& api) {
  const std::vector<std::pair<Shape, Shape>> pairs = {{Shape{7, 5}, Shape{7, 5}},    {Shape{7, 5}, Shape{5}},
                                                      {Shape{7, 1}, Shape{7, 5}},    {Shape{3, 4, 5}, Shape{4, 1}},
                                                      {Shape{2, 1, 3}, Shape{4, 3}}, {Shape{6}, Shape::scalar()}};
  for (Op op : {Op::Add, Op::Sub, Op::Mul, Op::Div})
    for (const auto& [sa, sb] : pairs)
      run.run(
          std::string(op_name(op)) + " " + sa.str() + " " + sb.str(), {sa, sb}, 0.5f, 2.0f,
          [op](Tape<float>&, std::vector<Var<float>>& v) { return tape_binary(op, v[0], v[1]); },
          [=, &api](auto&, DeviceRun& d) {
            api.binary_forward(op, d.y, d.x[0], d.x[1], d.y_shape, d.shape[0], d.shape[1]);
            for (int k = 0; k < 2; ++k)
              api.binary_backward(op, k == 1, d.gx[k], d.accumulate, d.g, d.x[0], d.x[1], d.y, d.y_shape, d.shape[0],
                                  d.shape[1]);
          });
  struct Unary {
    Op op;
    Attributes at;
    float lo, hi;
  };
  std::vector<Unary> unaries;
#define DG_CASE_LIST(e, f) unaries.push_back({Op::e, Attributes{}, -2.0f, 2.0f});
  DG_UNARY_OPS(DG_CASE_LIST)
#undef DG_CASE_LIST
  for (Unary& u : unaries)
    if (u.op == Op::Log || u.op == Op::Sqrt) u.lo = 0.2f;
  unaries.push_back({Op::Pow, {.exponent = 3.0}, -2.0f, 2.0f});
  unaries.push_back({Op::Pow, {.exponent = -1.0}, 0.3f, 2.0f});
  unaries.push_back({Op::Pow, {.exponent = 2.5}, 0.3f, 2.0f});
  unaries.push_back({Op::Clamp, {.bounds = {-0.5, 0.7}}, -2.0f, 2.0f});
  unaries.push_back({Op::Scale, {.factor = 1.5}, -2.0f, 2.0f});
  unaries.push_back({Op::AddScalar, {.addend = 0.25}, -2.0f, 2.0f});
  unaries.push_back({Op::Mask, {.bounds = {-0.2, 0.3}}, -1.0f, 1.0f});
  for (const Unary& u : unaries)
    for (const Shape& s : {Shape{1}, Shape{9, 7}, Shape{3, 70, 5}})
      run.run(
          std::string(op_name(u.op)) + " " + s.str(), {s}, u.lo, u.hi,
          [u](Tape<float>&, std::vector<Var<float>>& v) { return tape_unary(u.op, v[0], u.at); },
          [=, &api](auto&, DeviceRun& d) {
            const index_t n = d.y_shape.numel();
            api.unary_forward(u.op, d.y, d.x[0], n, u.at);
            if (d.gx[0]) api.unary_backward(u.op, d.gx[0], d.accumulate, d.g, d.x[0], d.y, n, u.at);
          });
}

template <class Backend, class Api>
void shape_cases(CaseRunner<Backend>& run, const Api& api) {
  const index_t m = 5, k = 3, n = 4;
  for (int t = 0; t < 4; ++t) {
    const bool ta = t & 1, tb = t & 2;
    const Shape sa = ta ? Shape{k, m} : Shape{m, k}, sb = tb ? Shape{n, k} : Shape{k, n};
    run.run(
        std::string("matmul") + (ta ? " a^T" : "") + (tb ? " b^T" : ""), {sa, sb}, -1, 1,
        [ta, tb](Tape<float>&, std::vector<Var<float>>& v) { return matmul(v[0], v[1], ta, tb); },
        [=, &api](auto&, DeviceRun& d) {
          const float *a = d.x[0], *b = d.x[1], *g = d.g;
          const bool acc = d.accumulate;
          api.matmul(d.y, a, b, m, n, k, ta, tb, false);
          // The four transpose cases of the backward switch (autodiff/backward.cpp).
          if (!ta && !tb)
            api.matmul(d.gx[0], g, b, m, k, n, false, true, acc);
          else if (!ta && tb)
            api.matmul(d.gx[0], g, b, m, k, n, false, false, acc);
          else if (ta && !tb)
            api.matmul(d.gx[0], b, g, k, m, n, false, true, acc);
          else
            api.matmul(d.gx[0], b, g, k, m, n, true, true, acc);
          if (!ta && !tb)
            api.matmul(d.gx[1], a, g, k, n, m, true, false, acc);
          else if (ta && !tb)
            api.matmul(d.gx[1], a, g, k, n, m, false, false, acc);
          else if (!ta && tb)
            api.matmul(d.gx[1], g, a, n, k, m, true, false, acc);
          else
            api.matmul(d.gx[1], g, a, n, k, m, true, true, acc);
        });
  }
  run.run(
      "transpose (6, 9)", {Shape{6, 9}}, -1, 1,
      [](Tape<float>&, std::vector<Var<float>>& v) { return transpose(v[0]); },
      [=, &api](auto&, DeviceRun& d) {
        api.transpose(d.y, d.x[0], index_t(6), index_t(9), false);
        api.transpose(d.gx[0], d.g, index_t(9), index_t(6), d.accumulate);
      });
  const std::vector<std::pair<Shape, Shape>> wide = {{Shape{1, 5}, Shape{4, 5}},
                                                     {Shape{4, 1}, Shape{4, 5}},
                                                     {Shape{5}, Shape{3, 4, 5}},
                                                     {Shape{3, 1, 5}, Shape{3, 4, 5}},
                                                     {Shape::scalar(), Shape{6, 2}}};
  for (const auto& [small, big] : wide) {
    run.run(
        "expand " + small.str() + " -> " + big.str(), {small}, -1, 1,
        [big](Tape<float>&, std::vector<Var<float>>& v) { return expand(v[0], big); },
        [=, &api](auto&, DeviceRun& d) {
          api.expand(d.y, false, big, d.x[0], small);
          api.sum_to(d.gx[0], d.accumulate, small, d.g, big);
        });
    run.run(
        "sum_to " + big.str() + " -> " + small.str(), {big}, -1, 1,
        [small](Tape<float>&, std::vector<Var<float>>& v) { return sum_to(v[0], small); },
        [=, &api](auto&, DeviceRun& d) {
          api.sum_to(d.y, false, small, d.x[0], big);
          api.expand(d.gx[0], d.accumulate, big, d.g, small);
        });
  }
  for (int axis = 0; axis < 2; ++axis) {
    const Shape s0 = axis == 0 ? Shape{3, 4} : Shape{3, 2}, s1 = axis == 0 ? Shape{2, 4} : Shape{3, 5};
    run.run(
        "concat axis " + std::to_string(axis), {s0, s1}, -1, 1,
        [axis](Tape<float>&, std::vector<Var<float>>& v) {
          return concat({v[0], v[1]}, axis);
        },
        [=, &api](auto&, DeviceRun& d) {
          const index_t Cy = d.y_shape[1];
          index_t offset = 0;
          for (int k = 0; k < 2; ++k) {
            const index_t R = d.shape[k][0], C = d.shape[k][1];
            const index_t at = axis == 0 ? offset * Cy : offset;
            api.copy_block(d.y + at, Cy, d.x[k], C, R, C, false);
            api.copy_block(d.gx[k], C, d.g + at, Cy, R, C, d.accumulate);
            offset += d.shape[k][axis];
          }
        });
    const Shape sx = axis == 0 ? Shape{5, 3} : Shape{4, 6};
    const index_t start = axis == 0 ? 1 : 2, len = axis == 0 ? 2 : 3, total = axis == 0 ? 8 : 9;
    run.run(
        "slice axis " + std::to_string(axis), {sx}, -1, 1,
        [axis, start, len](Tape<float>&, std::vector<Var<float>>& v) { return slice(v[0], axis, start, len); },
        [=, &api](auto&, DeviceRun& d) {
          const index_t Cx = d.shape[0][1], Ry = d.y_shape[0], Cy = d.y_shape[1];
          const index_t at = axis == 0 ? start * Cx : start;
          api.copy_block(d.y, Cy, d.x[0] + at, Cx, Ry, Cy, false);
          if (!d.accumulate) api.fill(d.gx[0], d.shape[0].numel(), 0.0f);
          api.copy_block(d.gx[0] + at, Cx, d.g, Cy, Ry, Cy, true);
        });
    run.run(
        "pad axis " + std::to_string(axis), {sx}, -1, 1,
        [axis, start, total](Tape<float>&, std::vector<Var<float>>& v) { return pad(v[0], axis, start, total); },
        [=, &api](auto&, DeviceRun& d) {
          const index_t Rx = d.shape[0][0], Cx = d.shape[0][1], Cy = d.y_shape[1];
          const index_t at = axis == 0 ? start * Cy : start;
          api.fill(d.y, d.y_shape.numel(), 0.0f);
          api.copy_block(d.y + at, Cy, d.x[0], Cx, Rx, Cx, true);
          api.copy_block(d.gx[0], Cx, d.g + at, Cy, Rx, Cx, d.accumulate);
        });
  }
}

}  // namespace dg::test
