// Printing the tape for people who study it: one line per node, or a Graphviz dot graph.
//   #12 matmul       in [10, 11]    (64, 128)   grad  transpose_b
#include <iomanip>
#include <ostream>
#include <sstream>

#include "autodiff/tape.hpp"

namespace dg {

const char* op_name(Op op) {
  static const char* const names[] = {
#define DG_OP_NAME(e, s) s,
      DG_OPS(DG_OP_NAME)
#undef DG_OP_NAME
  };
  const auto i = static_cast<std::size_t>(op);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "?";
}

const char* act_name(Act act) {
  switch (act) {
    case Act::Identity: return "identity";
    case Act::Relu: return "relu";
    case Act::Tanh: return "tanh";
    case Act::Sigmoid: return "sigmoid";
    case Act::Silu: return "silu";
    case Act::Softplus: return "softplus";
    case Act::Sin: return "sin";
  }
  return "?";
}

Op act_op(Act act) {
  switch (act) {
    case Act::Identity: return Op::Count;
    case Act::Relu: return Op::Relu;
    case Act::Tanh: return Op::Tanh;
    case Act::Sigmoid: return Op::Sigmoid;
    case Act::Silu: return Op::Silu;
    case Act::Softplus: return Op::Softplus;
    case Act::Sin: return Op::Sin;
  }
  return Op::Count;
}

namespace {

template <class T>
std::string attributes(const Node<T>& n) {
  std::ostringstream s;
  switch (n.op) {
    case Op::Pow: s << "p=" << n.a0; break;
    case Op::Clamp:
    case Op::Mask: s << "lo=" << n.a0 << " hi=" << n.a1; break;
    case Op::Scale:
    case Op::AddScalar: s << "c=" << n.a0; break;
    case Op::MatMul: s << (n.i0 ? "transpose_a " : "") << (n.i1 ? "transpose_b" : ""); break;
    case Op::Concat: s << "axis=" << n.i0; break;
    case Op::Slice:
    case Op::Pad: s << "axis=" << n.i0 << " start=" << n.i1; break;
    case Op::GatherRows:
    case Op::ScatterAddRows: s << "indices=" << n.n_index; break;
    case Op::Linear: s << act_name(static_cast<Act>(n.i0)) << (n.n_in == 3 ? " bias" : ""); break;
    case Op::PairLinear: s << act_name(static_cast<Act>(n.i0)) << " pairs=" << n.n_index << (n.n_in == 4 ? " with a W" : ""); break;
    default: break;
  }
  return s.str();
}

template <class T>
std::string inputs(const Node<T>& n) {
  std::string s = "[";
  for (int k = 0; k < n.n_in; ++k) s += (k ? ", " : "") + std::to_string(n.in[k]);
  return s + "]";
}

}  // namespace

template <class T>
void Tape<T>::print(std::ostream& os) const {
  os << "tape: " << nodes_.size() << " nodes, " << arena_.bytes_used() << " arena bytes used of "
     << arena_.bytes_reserved() << " reserved\n";
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node<T>& n = nodes_[i];
    os << '#' << std::left << std::setw(6) << i << std::setw(17) << op_name(n.op) << std::setw(16) << inputs(n)
       << std::setw(16) << n.shape.str() << ((n.flags & kRequiresGrad) ? "grad  " : "      ") << attributes(n)
       << '\n';
  }
}

template <class T>
void Tape<T>::write_dot(std::ostream& os) const {
  os << "digraph tape {\n  rankdir=LR;\n  node [shape=box, fontname=monospace];\n";
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node<T>& n = nodes_[i];
    os << "  n" << i << " [label=\"#" << i << " " << op_name(n.op) << "\\n" << n.shape.str();
    const std::string attr = attributes(n);
    if (!attr.empty()) os << "\\n" << attr;
    os << "\"" << ((n.flags & kRequiresGrad) ? "" : ", style=dashed") << "];\n";
    for (int k = 0; k < n.n_in; ++k) os << "  n" << n.in[k] << " -> n" << i << ";\n";
  }
  os << "}\n";
}

template <class T>
std::string Tape<T>::str() const {
  std::ostringstream s;
  print(s);
  return s.str();
}

template void Tape<float>::print(std::ostream&) const;
template void Tape<double>::print(std::ostream&) const;
template void Tape<float>::write_dot(std::ostream&) const;
template void Tape<double>::write_dot(std::ostream&) const;
template std::string Tape<float>::str() const;
template std::string Tape<double>::str() const;

}  // namespace dg
