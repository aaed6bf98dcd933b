// The backward pass written as tape ops (for gradients of gradients, like PyTorch's
// create_graph=True): one case per op, the same formulas as autodiff/backward.cpp, but each
// vector-Jacobian product is built from ordinary ops, so it is recorded and differentiable.
#include <limits>

#include "autodiff/kernels/unary.hpp"
#include "autodiff/ops.hpp"

namespace dg {

namespace {

// g act'(z) as tape ops, for the fused nodes (linear, pair_linear); y = act(z): the recorded
// pullback of the activation's unary row, the same as its unfused op's.
template <class T>
Var<T> preactivation_grad(Act act, Var<T> g, Var<T> z, Var<T> y) {
  switch (act) {
    case Act::Identity: return g;
#define DG_ACT_CASE(e, f) \
  case Act::e: return kernels::recorded_pullback<Op::e>(g, z, y, Attributes{});
      DG_ACTIVATION_OPS(DG_ACT_CASE)
#undef DG_ACT_CASE
  }
  return g;
}

}  // namespace

template <class T>
void Tape<T>::backward_graph_node(std::int32_t id) {
  const Node<T> n = nodes_[static_cast<std::size_t>(id)];  // a copy: new nodes may move the list
  const Var<T> g{this, graph_grad_[static_cast<std::size_t>(id)]};  // dL/dy
  const Var<T> y{this, id};
  const Var<T> a{this, n.in[0]};
  const Var<T> b{this, n.n_in > 1 ? n.in[1] : -1};
  auto wants = [&](std::int32_t in) { return (nodes_[static_cast<std::size_t>(in)].flags & kRequiresGrad) != 0; };
  auto give = [&](std::int32_t in, Var<T> contribution) { accumulate_graph_grad(in, contribution); };
  const Shape sa = nodes_[static_cast<std::size_t>(n.in[0])].shape;
  const Shape sb = n.n_in > 1 ? nodes_[static_cast<std::size_t>(n.in[1])].shape : Shape();
  const bool wa = wants(n.in[0]);
  const bool wb = n.n_in > 1 && wants(n.in[1]);

  switch (n.op) {
    case Op::Add:
      if (wa) give(n.in[0], sum_to(g, sa));
      if (wb) give(n.in[1], sum_to(g, sb));
      break;
    case Op::Sub:
      if (wa) give(n.in[0], sum_to(g, sa));
      if (wb) give(n.in[1], sum_to(neg(g), sb));
      break;
    case Op::Mul:
      if (wa) give(n.in[0], sum_to(g * b, sa));
      if (wb) give(n.in[1], sum_to(g * a, sb));
      break;
    case Op::Div:
      if (wa) give(n.in[0], sum_to(g / b, sa));
      if (wb) give(n.in[1], sum_to(neg(g * y / b), sb));
      break;

#define DG_UNARY_CASE(e, f) \
  case Op::e: give(n.in[0], kernels::recorded_pullback<Op::e>(g, a, y, n.attr)); break;
      DG_UNARY_OPS(DG_UNARY_CASE)
      DG_UNARY_OPS_WITH_ATTRIBUTES(DG_UNARY_CASE)
#undef DG_UNARY_CASE

    case Op::MatMul: {
      const bool ta = n.attr.transposed.a, tb = n.attr.transposed.b;
      if (wa) give(n.in[0], !ta ? matmul(g, b, false, !tb) : matmul(b, g, tb, true));
      if (wb) give(n.in[1], !tb ? matmul(a, g, !ta, false) : matmul(g, a, true, ta));
      break;
    }
    case Op::Transpose: give(n.in[0], transpose(g)); break;
    case Op::Reshape: give(n.in[0], reshape(g, sa)); break;
    case Op::Expand: give(n.in[0], sum_to(g, sa)); break;
    case Op::SumTo: give(n.in[0], expand(g, sa)); break;
    case Op::Concat: {
      const int axis = n.attr.axis;
      index_t offset = 0;
      for (int k = 0; k < n.n_in; ++k) {
        const index_t len = nodes_[static_cast<std::size_t>(n.in[k])].shape[axis];
        if (wants(n.in[k])) give(n.in[k], slice(g, axis, offset, len));
        offset += len;
      }
      break;
    }
    case Op::Slice: give(n.in[0], pad(g, n.attr.range.axis, n.attr.range.start, sa[n.attr.range.axis])); break;
    case Op::Pad: give(n.in[0], slice(g, n.attr.range.axis, n.attr.range.start, sa[n.attr.range.axis])); break;
    case Op::GatherRows:
      give(n.in[0], scatter_add_rows(g, std::span<const std::int32_t>(n.index, static_cast<std::size_t>(n.n_index)), sa[0]));
      break;
    case Op::ScatterAddRows:
      give(n.in[0], gather_rows(g, std::span<const std::int32_t>(n.index, static_cast<std::size_t>(n.n_index))));
      break;
    case Op::RowDot:
      if (wa) give(n.in[0], g * b);
      if (wb) give(n.in[1], g * a);
      break;
    case Op::RowNorm: {
      const double tiny = static_cast<double>(std::numeric_limits<T>::min());
      give(n.in[0], a * (g / clamp(y, tiny, std::numeric_limits<double>::infinity())));
      break;
    }

    case Op::Linear: {  // recomputes z = x W + b from primitives, then the unfused formulas
      const Var<T> W = b;
      const bool has_bias = n.n_in == 3;
      Var<T> z = matmul(a, W);
      if (has_bias) z = z + Var<T>{this, n.in[2]};
      const Var<T> gz = preactivation_grad(n.attr.act, g, z, y);
      if (wa) give(n.in[0], matmul(gz, W, false, true));
      if (wb) give(n.in[1], matmul(a, gz, true, false));
      if (has_bias && wants(n.in[2])) give(n.in[2], sum_to(gz, nodes_[static_cast<std::size_t>(n.in[2])].shape));
      break;
    }

    case Op::PairLinear: {  // recomputes z = p[i] + q[j] (+ a W) from primitives, then the unfused formulas
      const std::span<const std::int32_t> first(n.index, static_cast<std::size_t>(n.n_index));
      const std::span<const std::int32_t> second(n.index + n.n_index, static_cast<std::size_t>(n.n_index));
      const bool has_pair_inputs = n.n_in == 4;
      const Var<T> pair_inputs{this, has_pair_inputs ? n.in[2] : -1}, W{this, has_pair_inputs ? n.in[3] : -1};
      Var<T> z = gather_rows(a, first) + gather_rows(b, second);
      if (has_pair_inputs) z = z + matmul(pair_inputs, W);
      const Var<T> gz = preactivation_grad(n.attr.act, g, z, y);
      if (wa) give(n.in[0], scatter_add_rows(gz, first, sa[0]));
      if (wb) give(n.in[1], scatter_add_rows(gz, second, sb[0]));
      if (has_pair_inputs && wants(n.in[2])) give(n.in[2], matmul(gz, W, false, true));
      if (has_pair_inputs && wants(n.in[3])) give(n.in[3], matmul(pair_inputs, gz, true, false));
      break;
    }

    case Op::Constant:
    case Op::Variable:
    case Op::Param:
    case Op::Count:
      break;
  }
}

template void Tape<float>::backward_graph_node(std::int32_t);
template void Tape<double>::backward_graph_node(std::int32_t);

}  // namespace dg
