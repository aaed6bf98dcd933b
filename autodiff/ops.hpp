// The ops of the tape, as free functions over Var<T> (and the usual operators).
// Shapes: see autodiff/shape.hpp (matrix view, numpy broadcasting). Every op checks its shapes
// and throws dg::ShapeError naming the op and the shapes. Indices are int32 row numbers.
#pragma once

#include <initializer_list>
#include <span>

#include "autodiff/tape.hpp"

namespace dg {

// ---- elementwise, with broadcasting of rows, columns and scalars --------------------------
template <class T> Var<T> add(Var<T> a, Var<T> b);
template <class T> Var<T> sub(Var<T> a, Var<T> b);
template <class T> Var<T> mul(Var<T> a, Var<T> b);
template <class T> Var<T> div(Var<T> a, Var<T> b);

// neg exp log sqrt square abs tanh sigmoid relu silu softplus sin cos sign: one function each,
// `template <class T> Var<T> silu(Var<T> x)`, declared from the list DG_UNARY_OPS (autodiff/op.hpp);
// their formulas are the rows of autodiff/kernels/unary.hpp. silu(x) = x sigmoid(x);
// softplus(x) = log(1 + exp(x)), computed stably; sign(x) is -1, 0 or 1 and passes no gradient.
#define DG_UNARY_DECLARE(e, f) template <class T> Var<T> f(Var<T> x);
DG_UNARY_OPS(DG_UNARY_DECLARE)
#undef DG_UNARY_DECLARE
template <class T> Var<T> pow(Var<T> x, double p);
template <class T> Var<T> clamp(Var<T> x, double lo, double hi);  // derivative 1 strictly inside
template <class T> Var<T> scale(Var<T> x, double c);              // c * x
template <class T> Var<T> add_scalar(Var<T> x, double c);         // x + c
template <class T> Var<T> mask(Var<T> x, double lo, double hi);   // 1 where lo < x < hi, else 0; no gradient

// ---- linear algebra and shapes ---------------------------------------------------------------
// op(a) @ op(b) with op = transpose when the flag is set; a, b rank 2.
template <class T> Var<T> matmul(Var<T> a, Var<T> b, bool transpose_a = false, bool transpose_b = false);
template <class T> Var<T> transpose(Var<T> x);                     // rank 2
template <class T> Var<T> reshape(Var<T> x, const Shape& shape);   // same storage
template <class T> Var<T> expand(Var<T> x, const Shape& shape);    // broadcast to `shape`
template <class T> Var<T> sum_to(Var<T> x, const Shape& shape);    // sum over broadcast dims
template <class T> Var<T> sum(Var<T> x);                           // all -> scalar
template <class T> Var<T> sum(Var<T> x, int axis);                 // rank 2, keeps dims: 0 -> (1, C), 1 -> (R, 1)
template <class T> Var<T> mean(Var<T> x);
template <class T> Var<T> mean(Var<T> x, int axis);
// Rank 2 along axis 0 (stack rows) or 1 (join columns).
template <class T> Var<T> concat(std::span<const Var<T>> xs, int axis);
template <class T> Var<T> concat(std::initializer_list<Var<T>> xs, int axis);
template <class T> Var<T> slice(Var<T> x, int axis, index_t start, index_t length);
template <class T> Var<T> pad(Var<T> x, int axis, index_t start, index_t total);  // zeros around x

// ---- rows ---------------------------------------------------------------------------------
template <class T> Var<T> gather_rows(Var<T> x, std::span<const std::int32_t> index);  // (E, C)
// Row e of x added into row index[e] of a (num_rows, C) result (the segment sum).
template <class T> Var<T> scatter_add_rows(Var<T> x, std::span<const std::int32_t> index, index_t num_rows);
template <class T> Var<T> segment_sum(Var<T> x, std::span<const std::int32_t> segment, index_t num_segments);
template <class T> Var<T> segment_mean(Var<T> x, std::span<const std::int32_t> segment, index_t num_segments);
template <class T> Var<T> row_dot(Var<T> a, Var<T> b);  // (R, C), (R, C) -> (R, 1)
template <class T> Var<T> row_norm(Var<T> x);           // (R, C) -> (R, 1); gradient 0 at 0

// ---- fused ------------------------------------------------------------------------------------
// act(x W + b) as one node: x (R, I), W (I, O), b (O) or an empty Var for no bias -> (R, O).
// One pass over the output for bias and activation, and one backward case.
template <class T> Var<T> linear(Var<T> x, Var<T> W, Var<T> b, Act act = Act::Identity);
// act(p[i[e]] + q[j[e]] + a[e] W) for each pair e, as one node: p (Np, H), q (Nq, H), a (E, A),
// W (A, H), or empty a and W -> (E, H). The first layer of an edge MLP on [h_i, h_j, a_e] with
// p = h W_i + b and q = h W_j computed on the nodes (autodiff/ops_pair_linear.cpp).
template <class T>
Var<T> pair_linear(Var<T> p, std::span<const std::int32_t> i, Var<T> q, std::span<const std::int32_t> j, Var<T> a,
                   Var<T> W, Act act = Act::Identity);

// ---- operators ------------------------------------------------------------------------------
template <class T> Var<T> operator+(Var<T> a, Var<T> b) { return add(a, b); }
template <class T> Var<T> operator-(Var<T> a, Var<T> b) { return sub(a, b); }
template <class T> Var<T> operator*(Var<T> a, Var<T> b) { return mul(a, b); }
template <class T> Var<T> operator/(Var<T> a, Var<T> b) { return div(a, b); }
template <class T> Var<T> operator-(Var<T> a) { return neg(a); }
template <class T> Var<T> operator+(Var<T> a, double c) { return add_scalar(a, c); }
template <class T> Var<T> operator+(double c, Var<T> a) { return add_scalar(a, c); }
template <class T> Var<T> operator-(Var<T> a, double c) { return add_scalar(a, -c); }
template <class T> Var<T> operator-(double c, Var<T> a) { return add_scalar(neg(a), c); }
template <class T> Var<T> operator*(Var<T> a, double c) { return scale(a, c); }
template <class T> Var<T> operator*(double c, Var<T> a) { return scale(a, c); }
template <class T> Var<T> operator/(Var<T> a, double c) { return scale(a, 1.0 / c); }

}  // namespace dg
