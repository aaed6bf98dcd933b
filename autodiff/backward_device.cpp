// The numeric backward pass of a device tape: the cases of autodiff/backward.cpp, each written as
// calls of the device's backend table (autodiff/device_backend.hpp) on device pointers. The
// gradient rules are the same: `claim(x)` says whether this is the first write into x's buffer
// (then the backend overwrites, else it adds: accumulate = !claim(x)). Every backend reduction
// gives each output element its whole sum, so overwriting is always safe here, unlike on the CPU.
// Temporaries (g act'(z), segment lists) live in the scratch arena, on the device.
#include "autodiff/backward_rules.hpp"
#include "autodiff/device_backend.hpp"
#include "autodiff/tape.hpp"

namespace dg {

namespace {

using backward_rules::claim;
using backward_rules::wants_grad;

// g act'(z) of a fused node in a scratch buffer, or g itself for the identity.
template <class T>
const T* preactivation_grad(const DeviceBackend<T>& d, const Node<T>& n, Arena& scratch) {
  if (n.attr.act == Act::Identity) return n.grad;
  const index_t N = n.shape.numel();
  T* gz = scratch.allocate_array<T>(static_cast<std::size_t>(N));  // (n.shape) on the device
  d.activation_backward(n.attr.act, gz, n.grad, n.value, n.saved, N);
  return gz;
}

}  // namespace

template <class T>
void Tape<T>::backward_node_device(std::int32_t id) {
  const DeviceBackend<T>& d = *backend_;
  const Node<T>& n = nodes_[static_cast<std::size_t>(id)];
  const T* g = n.grad;  // (n.shape) dL/dy
  const index_t N = n.shape.numel();
  Node<T>& x = nodes_[static_cast<std::size_t>(n.in[0])];  // first input
  auto input = [&](int k) -> Node<T>& { return nodes_[static_cast<std::size_t>(n.in[k])]; };
  switch (n.op) {
    case Op::Constant:
    case Op::Variable:
    case Op::Param:
    case Op::Count: break;

#define DG_UNARY_CASE(e, f) case Op::e:
      DG_UNARY_OPS(DG_UNARY_CASE)
      DG_UNARY_OPS_WITH_ATTRIBUTES(DG_UNARY_CASE)
#undef DG_UNARY_CASE
      if (wants_grad(x)) d.unary_backward(n.op, x.grad, !claim(x), g, x.value, n.value, N, n.attr);
      break;

    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div: {
      Node<T>& b = input(1);
      if (wants_grad(x))
        d.binary_backward(n.op, false, x.grad, !claim(x), g, x.value, b.value, n.value, n.shape, x.shape, b.shape);
      if (wants_grad(b))
        d.binary_backward(n.op, true, b.grad, !claim(b), g, x.value, b.value, n.value, n.shape, x.shape, b.shape);
      break;
    }

    case Op::MatMul: backward_rules::matmul_backward(n, x, input(1), d.matmul); break;

    case Op::Transpose:  // g (C, R) -> gx (R, C)
      if (wants_grad(x)) d.transpose(x.grad, g, x.shape[1], x.shape[0], !claim(x));
      break;

    case Op::Reshape:
      if (wants_grad(x)) d.copy_block(x.grad, N, g, N, 1, N, !claim(x));
      break;

    case Op::Expand:  // gx (+)= g summed over the broadcast dims
      if (wants_grad(x)) d.sum_to(x.grad, !claim(x), x.shape, g, n.shape);
      break;

    case Op::SumTo:  // gx (+)= g broadcast
      if (wants_grad(x)) d.expand(x.grad, !claim(x), x.shape, g, n.shape);
      break;

    case Op::Concat: {
      const int axis = n.attr.axis;
      const index_t Cy = n.shape[1];
      index_t offset = 0;
      for (int k = 0; k < n.n_in; ++k) {
        Node<T>& xk = input(k);
        const index_t R = xk.shape[0], C = xk.shape[1];
        if (wants_grad(xk)) d.copy_block(xk.grad, C, axis == 0 ? g + offset * Cy : g + offset, Cy, R, C, !claim(xk));
        offset += xk.shape[axis];
      }
      break;
    }

    case Op::Slice: {  // zero the rest of gx on its first write, then add the block
      if (!wants_grad(x)) break;
      if (claim(x)) d.fill(x.grad, x.shape.numel(), T(0));
      const index_t Cx = x.shape[1], start = n.attr.range.start;
      T* dst = n.attr.range.axis == 0 ? x.grad + start * Cx : x.grad + start;
      d.copy_block(dst, Cx, g, n.shape[1], n.shape[0], n.shape[1], true);
      break;
    }

    case Op::Pad: {
      if (!wants_grad(x)) break;
      const index_t Cy = n.shape[1], start = n.attr.range.start;
      const T* src = n.attr.range.axis == 0 ? g + start * Cy : g + start;
      d.copy_block(x.grad, x.shape[1], src, Cy, x.shape[0], x.shape[1], !claim(x));
      break;
    }

    case Op::GatherRows:  // gx[idx[e]] += g[e]: segment sums, no atomics
      if (wants_grad(x))
        d.segment_sum(x.grad, !claim(x), g, n.index, n.n_index, x.shape[0], n.shape[1], scratch_, host_arena_);
      break;

    case Op::ScatterAddRows:  // gx[e] (+)= g[idx[e]]
      if (wants_grad(x)) d.gather_rows(x.grad, !claim(x), g, n.device_index, n.n_index, n.shape[1]);
      break;

    case Op::RowDot: {
      Node<T>& b = input(1);
      const index_t R = x.shape[0], C = x.shape[1];
      if (wants_grad(x)) d.row_scale(x.grad, !claim(x), g, b.value, nullptr, R, C);
      if (wants_grad(b)) d.row_scale(b.grad, !claim(b), g, x.value, nullptr, R, C);
      break;
    }

    case Op::RowNorm:  // gx[r] (+)= g[r] x[r] / y[r] (0 where y = 0)
      if (wants_grad(x)) d.row_scale(x.grad, !claim(x), g, x.value, n.value, x.shape[0], x.shape[1]);
      break;

    case Op::Linear: {  // gz = g act'(z); gx (+)= gz W^T, gW (+)= x^T gz, gb (+)= sum_rows gz
      Node<T>& W = input(1);
      Node<T>* b = n.n_in == 3 ? &input(2) : nullptr;
      const index_t R = x.shape[0], I = x.shape[1], O = W.shape[1];
      const T* gz = preactivation_grad(d, n, scratch_);  // (R, O)
      if (wants_grad(x)) d.matmul(x.grad, gz, W.value, R, I, O, false, true, !claim(x));
      if (wants_grad(W)) d.matmul(W.grad, x.value, gz, I, O, R, true, false, !claim(W));
      if (b && wants_grad(*b)) d.sum_to(b->grad, !claim(*b), b->shape, gz, n.shape);
      break;
    }

    case Op::PairLinear: {  // p, q get the rows of gz summed by segment; a, W as for linear
      Node<T>& q = input(1);
      const index_t E = n.shape[0], H = n.shape[1];
      const T* gz = preactivation_grad(d, n, scratch_);  // (E, H)
      if (wants_grad(x)) d.segment_sum(x.grad, !claim(x), gz, n.index, E, x.shape[0], H, scratch_, host_arena_);
      if (wants_grad(q)) d.segment_sum(q.grad, !claim(q), gz, n.index + E, E, q.shape[0], H, scratch_, host_arena_);
      if (n.n_in == 4) {
        Node<T>& a = input(2);
        Node<T>& W = input(3);
        const index_t A = a.shape[1];
        if (wants_grad(a)) d.matmul(a.grad, gz, W.value, E, A, H, false, true, !claim(a));
        if (wants_grad(W)) d.matmul(W.grad, a.value, gz, A, H, E, true, false, !claim(W));
      }
      break;
    }
  }
  if (check_finite_)
    for (int k = 0; k < n.n_in; ++k) check_node_finite(n.in[k], id);
}

template void Tape<float>::backward_node_device(std::int32_t);
template void Tape<double>::backward_node_device(std::int32_t);

}  // namespace dg
