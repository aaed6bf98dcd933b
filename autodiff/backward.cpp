// The numeric backward pass: one case per op. Each case pulls the node's gradient g = dL/dy back
// through the op into the gradients of the inputs that need one:
//   y = a op b  ->  dL/da += g * dy/da, dL/db += g * dy/db (summed over broadcast dimensions).
// An intermediate's gradient buffer is not zeroed beforehand: `claim(x)` tells whether this is the
// first write into it, and then the kernel writes (=) instead of adding (+=). Parameters and
// variables always accumulate (their gradients persist across steps).
#include <cmath>
#include <cstring>

#include "autodiff/backward_rules.hpp"
#include "autodiff/kernels/broadcast.hpp"
#include "autodiff/kernels/matmul.hpp"
#include "autodiff/kernels/rows.hpp"
#include "autodiff/kernels/unary_vector.hpp"
#include "autodiff/tape.hpp"

namespace dg {

namespace {

using backward_rules::claim;
using backward_rules::wants_grad;

// For kernels that can only add: zero x's buffer on its first use.
template <class T>
void claim_zeroed(Node<T>& x) {
  if (claim(x)) std::memset(x.grad, 0, sizeof(T) * static_cast<std::size_t>(x.shape.numel()));
}

// target.grad (+)= g * d(a, b, y), summed onto target's (possibly broadcast) shape.
template <class T, class D>
void binary_backward(const Node<T>& n, const Node<T>& a, const Node<T>& b, Node<T>& target, Arena& arena, D d) {
  if (a.shape == n.shape && b.shape == n.shape) {  // no broadcast: one flat loop
    const index_t N = n.shape.numel();
    T* gx = target.grad;
    const bool overwrite = claim(target);
    parallel_for(N, N, [&](index_t lo, index_t hi) {
      if (overwrite)
        for (index_t i = lo; i < hi; ++i) gx[i] = n.grad[i] * d(a.value[i], b.value[i], n.value[i]);
      else
        for (index_t i = lo; i < hi; ++i) gx[i] += n.grad[i] * d(a.value[i], b.value[i], n.value[i]);
    });
    return;
  }
  const kernels::BroadcastGrid grid(n.shape);
  const kernels::OperandStrides A(a.shape, n.shape), B(b.shape, n.shape);
  const T* g = n.grad;
  const T* y = n.value;
  auto rows = [&]<bool overwrite>() {
    kernels::accumulate_rows(target.grad, target.shape, n.shape, arena, [&](index_t r, T* dst, index_t stride) {
      const T* pa = a.value + A.row_offset(r, grid.d1);
      const T* pb = b.value + B.row_offset(r, grid.d1);
      const T* pg = g + r * grid.d2;
      const T* py = y + r * grid.d2;
      if (stride) {
        for (index_t j = 0; j < grid.d2; ++j) {
          const T v = pg[j] * d(pa[j * A.s2], pb[j * B.s2], py[j]);
          if constexpr (overwrite) dst[j] = v;
          else dst[j] += v;
        }
      } else {
        T s = overwrite ? T(0) : dst[0];
        for (index_t j = 0; j < grid.d2; ++j) s += pg[j] * d(pa[j * A.s2], pb[j * B.s2], py[j]);
        dst[0] = s;
      }
    });
  };
  // Overwriting is safe only when every target element receives exactly one output row's terms.
  const kernels::OperandStrides X(target.shape, n.shape);
  const bool one_to_one = target.shape.numel() == n.shape.numel() || (X.s2 == 0 && target.shape.numel() == grid.rows());
  if (one_to_one && claim(target)) rows.template operator()<true>();
  else {
    claim_zeroed(target);
    rows.template operator()<false>();
  }
}

// gz = g act'(z) of a fused node (linear, pair_linear) in a fresh scratch buffer, or g itself for
// the identity. act'(z) is kept by the forward (node.saved) for silu, softplus and sin; relu, tanh
// and sigmoid are differentiated from the output.
template <class T>
const T* preactivation_grad(const Node<T>& n, Arena& scratch) {
  const Op op = act_op(n.attr.act);
  if (op == Op::Count) return n.grad;
  const index_t N = n.shape.numel();
  T* gz = scratch.allocate_array<T>(static_cast<std::size_t>(N));  // (n.shape)
  if (n.saved) {
    const T* derivative = n.saved;
    parallel_for(N, N, [&](index_t lo, index_t hi) {
      for (index_t k = lo; k < hi; ++k) gz[k] = n.grad[k] * derivative[k];
    });
    return gz;
  }
  kernels::dispatch_unary(op, [&]<Op o>() {
    parallel_for(N, N * 8, [&](index_t lo, index_t hi) {
      kernels::unary_backward_range<o>(gz + lo, n.grad + lo, n.value + lo, n.value + lo, hi - lo, Attributes{}, true);
    });
  });
  return gz;
}

// dst (rows, width) (+)= src block.
template <class T>
void put_block(bool overwrite, T* dst, index_t dst_stride, const T* src, index_t src_stride, index_t rows, index_t width) {
  if (overwrite) kernels::copy_block(dst, dst_stride, src, src_stride, rows, width);
  else kernels::add_block(dst, dst_stride, src, src_stride, rows, width);
}

}  // namespace

template <class T>
void Tape<T>::backward_node(std::int32_t id) {
  const Node<T>& n = nodes_[static_cast<std::size_t>(id)];
  const T* g = n.grad;  // (n.shape) dL/dy
  const index_t N = n.shape.numel();
  Node<T>& x = nodes_[static_cast<std::size_t>(n.in[0])];  // first input
  // The unary elementwise ops (one row each in kernels/unary.hpp): gx (+)= g * f'(x, y).
  auto unary_backward = [&]<Op o>() {
    if (!wants_grad(x)) return;
    const T* px = x.value;
    const T* py = n.value;
    T* gx = x.grad;
    const Attributes at = n.attr;
    const bool overwrite = claim(x);
    parallel_for(N, N * 8, [&](index_t lo, index_t hi) {
      kernels::unary_backward_range<o>(gx + lo, g + lo, px + lo, py + lo, hi - lo, at, overwrite);
    });
  };
  switch (n.op) {
    case Op::Constant:
    case Op::Variable:
    case Op::Param:
    case Op::Count:
      break;

#define DG_UNARY_CASE(e, f) \
  case Op::e: unary_backward.template operator()<Op::e>(); break;
      DG_UNARY_OPS(DG_UNARY_CASE)
      DG_UNARY_OPS_WITH_ATTRIBUTES(DG_UNARY_CASE)
#undef DG_UNARY_CASE

    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div: {
      Node<T>& b = nodes_[static_cast<std::size_t>(n.in[1])];
      const Op op = n.op;
      if (wants_grad(x)) {
        if (op == Op::Mul) binary_backward(n, x, b, x, scratch_, [](T, T bv, T) { return bv; });
        else if (op == Op::Div) binary_backward(n, x, b, x, scratch_, [](T, T bv, T) { return T(1) / bv; });
        else binary_backward(n, x, b, x, scratch_, [](T, T, T) { return T(1); });
      }
      if (wants_grad(b)) {
        if (op == Op::Mul) binary_backward(n, x, b, b, scratch_, [](T av, T, T) { return av; });
        else if (op == Op::Div) binary_backward(n, x, b, b, scratch_, [](T, T bv, T yv) { return -yv / bv; });
        else if (op == Op::Sub) binary_backward(n, x, b, b, scratch_, [](T, T, T) { return T(-1); });
        else binary_backward(n, x, b, b, scratch_, [](T, T, T) { return T(1); });
      }
      break;
    }

    case Op::MatMul:
      backward_rules::matmul_backward(
          n, x, nodes_[static_cast<std::size_t>(n.in[1])],
          [&](T* y, const T* p, const T* q, index_t m, index_t nn, index_t k, bool tp, bool tq, bool acc) {
            kernels::matmul(y, p, q, m, nn, k, tp, tq, acc, &scratch_);
          });
      break;

    case Op::Transpose: {
      if (!wants_grad(x)) break;
      const index_t R = x.shape[0], C = x.shape[1];  // g is (C, R)
      const bool overwrite = claim(x);
      T* gx = x.grad;
      parallel_for(R, R * C, [&](index_t lo, index_t hi) {
        for (index_t r = lo; r < hi; ++r)
          for (index_t c = 0; c < C; ++c) gx[r * C + c] = (overwrite ? T(0) : gx[r * C + c]) + g[c * R + r];
      });
      break;
    }

    case Op::Reshape:
      if (wants_grad(x)) put_block(claim(x), x.grad, N, g, N, index_t(1), N);
      break;

    case Op::Expand:  // y = broadcast(x): gx += sum of g over the broadcast dims
      if (!wants_grad(x)) break;
      claim_zeroed(x);
      kernels::sum_to_accumulate(x.grad, x.shape, g, n.shape, scratch_);
      break;

    case Op::SumTo: {  // y = sum over broadcast dims of x: gx += broadcast(g)
      if (!wants_grad(x)) break;
      const kernels::BroadcastGrid grid(x.shape);
      const kernels::OperandStrides G(n.shape, x.shape);
      const bool overwrite = claim(x);
      T* gx = x.grad;
      parallel_for(grid.rows(), x.shape.numel(), [&](index_t lo, index_t hi) {
        for (index_t r = lo; r < hi; ++r) {
          const T* pg = g + G.row_offset(r, grid.d1);
          T* dst = gx + r * grid.d2;
          for (index_t j = 0; j < grid.d2; ++j) dst[j] = (overwrite ? T(0) : dst[j]) + pg[j * G.s2];
        }
      });
      break;
    }

    case Op::Concat: {
      const int axis = n.attr.axis;
      const index_t Cy = n.shape[1];
      index_t offset = 0;
      for (int k = 0; k < n.n_in; ++k) {
        Node<T>& xk = nodes_[static_cast<std::size_t>(n.in[k])];
        const index_t R = xk.shape[0], C = xk.shape[1];
        if (wants_grad(xk)) put_block(claim(xk), xk.grad, C, axis == 0 ? g + offset * Cy : g + offset, Cy, R, C);
        offset += xk.shape[axis];
      }
      break;
    }

    case Op::Slice: {
      if (!wants_grad(x)) break;
      claim_zeroed(x);
      const index_t Cx = x.shape[1], start = n.attr.range.start;
      T* dst = n.attr.range.axis == 0 ? x.grad + start * Cx : x.grad + start;
      kernels::add_block(dst, Cx, g, n.shape[1], n.shape[0], n.shape[1]);
      break;
    }

    case Op::Pad: {
      if (!wants_grad(x)) break;
      const index_t Cy = n.shape[1], start = n.attr.range.start;
      put_block(claim(x), x.grad, x.shape[1], n.attr.range.axis == 0 ? g + start * Cy : g + start, Cy, x.shape[0], x.shape[1]);
      break;
    }

    case Op::GatherRows:  // y[e] = x[idx[e]]: gx[idx[e]] += g[e]
      if (!wants_grad(x)) break;
      claim_zeroed(x);
      kernels::scatter_add_rows(x.grad, g, n.index, n.n_index, n.shape[1], x.shape[0], scratch_);
      break;

    case Op::ScatterAddRows: {  // y[idx[e]] += x[e]: gx[e] += g[idx[e]]
      if (!wants_grad(x)) break;
      const index_t E = n.n_index, C = n.shape[1];
      const std::int32_t* idx = n.index;
      const bool overwrite = claim(x);
      T* gx = x.grad;
      parallel_for(E, E * C, [&](index_t lo, index_t hi) {
        for (index_t e = lo; e < hi; ++e)
          for (index_t c = 0; c < C; ++c) gx[e * C + c] = (overwrite ? T(0) : gx[e * C + c]) + g[idx[e] * C + c];
      });
      break;
    }

    case Op::RowDot: {  // y[r] = sum_c a[r,c] b[r,c]
      Node<T>& b = nodes_[static_cast<std::size_t>(n.in[1])];
      const index_t R = x.shape[0], C = x.shape[1];
      auto pull = [&](Node<T>& target, const T* other) {
        const bool overwrite = claim(target);
        T* dst = target.grad;
        parallel_for(R, R * C, [&](index_t lo, index_t hi) {
          for (index_t r = lo; r < hi; ++r)
            for (index_t c = 0; c < C; ++c) dst[r * C + c] = (overwrite ? T(0) : dst[r * C + c]) + g[r] * other[r * C + c];
        });
      };
      if (wants_grad(x)) pull(x, b.value);
      if (wants_grad(b)) pull(b, x.value);
      break;
    }

    case Op::RowNorm: {  // y[r] = |x[r]|: gx[r] += g[r] x[r] / y[r] (0 where y = 0)
      if (!wants_grad(x)) break;
      const index_t R = x.shape[0], C = x.shape[1];
      const T* y = n.value;
      const bool overwrite = claim(x);
      T* gx = x.grad;
      parallel_for(R, R * C, [&](index_t lo, index_t hi) {
        for (index_t r = lo; r < hi; ++r) {
          const T s = y[r] == T(0) ? T(0) : g[r] / y[r];
          for (index_t c = 0; c < C; ++c) gx[r * C + c] = (overwrite ? T(0) : gx[r * C + c]) + s * x.value[r * C + c];
        }
      });
      break;
    }

    case Op::Linear: {  // y = act(z), z = x W + b: gz = g act'(z); gx += gz W^T, gW += x^T gz, gb += sum_rows gz
      Node<T>& W = nodes_[static_cast<std::size_t>(n.in[1])];
      Node<T>* b = n.n_in == 3 ? &nodes_[static_cast<std::size_t>(n.in[2])] : nullptr;
      const index_t R = x.shape[0], I = x.shape[1], O = W.shape[1];
      const T* gz = preactivation_grad(n, scratch_);  // (R, O)
      if (wants_grad(x)) kernels::matmul(x.grad, gz, W.value, R, I, O, false, true, !claim(x), &scratch_);
      if (wants_grad(W)) kernels::matmul(W.grad, x.value, gz, I, O, R, true, false, !claim(W), &scratch_);
      if (b && wants_grad(*b)) {
        claim_zeroed(*b);
        kernels::sum_to_accumulate(b->grad, b->shape, gz, n.shape, scratch_);
      }
      break;
    }

    case Op::PairLinear: {  // y = act(z), z[e] = p[i_e] + q[j_e] + a[e] W: p, q get the rows of gz added back
      Node<T>& q = nodes_[static_cast<std::size_t>(n.in[1])];
      const index_t E = n.shape[0], H = n.shape[1];
      const std::int32_t* first = n.index;       // (E) i
      const std::int32_t* second = n.index + E;  // (E) j
      const T* gz = preactivation_grad(n, scratch_);  // (E, H)
      if (wants_grad(x)) {
        claim_zeroed(x);
        kernels::scatter_add_rows(x.grad, gz, first, E, H, x.shape[0], scratch_);
      }
      if (wants_grad(q)) {
        claim_zeroed(q);
        kernels::scatter_add_rows(q.grad, gz, second, E, H, q.shape[0], scratch_);
      }
      if (n.n_in == 4) {
        Node<T>& a = nodes_[static_cast<std::size_t>(n.in[2])];
        Node<T>& W = nodes_[static_cast<std::size_t>(n.in[3])];
        const index_t A = a.shape[1];
        if (wants_grad(a)) kernels::matmul(a.grad, gz, W.value, E, A, H, false, true, !claim(a), &scratch_);
        if (wants_grad(W)) kernels::matmul(W.grad, a.value, gz, A, H, E, true, false, !claim(W), &scratch_);
      }
      break;
    }

  }
  if (check_finite_)
    for (int k = 0; k < n.n_in; ++k) check_node_finite(n.in[k], id);
}

template void Tape<float>::backward_node(std::int32_t);
template void Tape<double>::backward_node(std::int32_t);

}  // namespace dg
