// The names of the ops and activations (one table: DG_OPS in autodiff/op.hpp), and the
// properties of the activations read from their unary rows (autodiff/kernels/unary.hpp).
#include "autodiff/op.hpp"

#include "autodiff/kernels/unary.hpp"

namespace dg {

const char* op_name(Op op) {
  static const char* const names[] = {
#define DG_OP_NAME(e, name) #name,
      DG_OPS(DG_OP_NAME)
#undef DG_OP_NAME
  };
  const auto i = static_cast<std::size_t>(op);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "?";
}

const char* act_name(Act act) { return act == Act::Identity ? "identity" : op_name(act_op(act)); }

bool act_needs_preactivation(Act act) {
  switch (act) {
    case Act::Identity: return false;
#define DG_ACT_USES_INPUT(e, f) \
  case Act::e: return kernels::UnaryOp<Op::e>::uses == kernels::Uses::Input;
      DG_ACTIVATION_OPS(DG_ACT_USES_INPUT)
#undef DG_ACT_USES_INPUT
  }
  return false;
}

}  // namespace dg
