// Printing the tape for people who study it: one line per node, or a Graphviz dot graph.
//   #12 matmul       in [10, 11]    (64, 128)   grad  transpose_b
#include <iomanip>
#include <ostream>
#include <sstream>

#include "autodiff/tape.hpp"

namespace dg {

namespace {

template <class T>
std::string attributes(const Node<T>& n) {
  std::ostringstream s;
  switch (n.op) {
    case Op::Pow: s << "p=" << n.attr.exponent; break;
    case Op::Clamp:
    case Op::Mask: s << "lo=" << n.attr.bounds.lo << " hi=" << n.attr.bounds.hi; break;
    case Op::Scale: s << "c=" << n.attr.factor; break;
    case Op::AddScalar: s << "c=" << n.attr.addend; break;
    case Op::MatMul: s << (n.attr.transposed.a ? "transpose_a " : "") << (n.attr.transposed.b ? "transpose_b" : ""); break;
    case Op::Concat: s << "axis=" << n.attr.axis; break;
    case Op::Slice:
    case Op::Pad: s << "axis=" << n.attr.range.axis << " start=" << n.attr.range.start; break;
    case Op::GatherRows:
    case Op::ScatterAddRows: s << "indices=" << n.n_index; break;
    case Op::Linear: s << act_name(n.attr.act) << (n.n_in == 3 ? " bias" : ""); break;
    case Op::PairLinear: s << act_name(n.attr.act) << " pairs=" << n.n_index << (n.n_in == 4 ? " with a W" : ""); break;
#define DG_NO_ATTRIBUTES(e, f) case Op::e:
      DG_UNARY_OPS(DG_NO_ATTRIBUTES)
#undef DG_NO_ATTRIBUTES
    case Op::Constant:
    case Op::Variable:
    case Op::Param:
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Transpose:
    case Op::Reshape:
    case Op::SumTo:
    case Op::Expand:
    case Op::RowDot:
    case Op::RowNorm:
    case Op::Count: break;
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
