// The op codes of the tape: X-macro lists, one line per op, from which the `Op` enum, the printed
// names, the activations `Act` and (for the unary ops) the public functions and the backward cases
// are generated. The forward of every op is in autodiff/ops.cpp, its backward in the switch of
// autodiff/backward.cpp, and its backward written as tape ops (for gradients of gradients) in
// autodiff/backward_graph.cpp; a unary op's formulas are one row of autodiff/kernels/unary.hpp.
#pragma once

#include <cstdint>

namespace dg {

// X(Enum, function): the unary elementwise ops without attributes. The function name (ops.hpp) is
// also the printed name. Each has one row, UnaryOp<Op::Enum>, in autodiff/kernels/unary.hpp.
#define DG_UNARY_OPS(X)                                                                    \
  X(Neg, neg) X(Exp, exp) X(Log, log) X(Sqrt, sqrt) X(Square, square) X(Abs, abs)         \
  X(Tanh, tanh) X(Sigmoid, sigmoid) X(Relu, relu) X(Silu, silu) X(Softplus, softplus)     \
  X(Sin, sin) X(Cos, cos)                                                                   \
  /* piecewise constant (their derivative is zero, no gradient flows): for backward graphs */ \
  X(Sign, sign)

// The unary elementwise ops with scalar attributes (Attributes in autodiff/tape.hpp names them):
// their functions in ops.hpp take the attributes as arguments.
#define DG_UNARY_OPS_WITH_ATTRIBUTES(X) \
  X(Pow, pow) X(Clamp, clamp) X(Scale, scale) X(AddScalar, add_scalar) X(Mask, mask)

// X(Enum, function): the unary ops that the fused ops `linear` and `pair_linear` can apply (the
// `Act` enum), a subset of DG_UNARY_OPS.
#define DG_ACTIVATION_OPS(X) X(Relu, relu) X(Tanh, tanh) X(Sigmoid, sigmoid) X(Silu, silu) X(Softplus, softplus) X(Sin, sin)

// X(Enum, name): every op; `name` is its printed name.
#define DG_OPS(X)                                                                          \
  /* leaves */                                                                             \
  X(Constant, constant) X(Variable, variable) X(Param, param)                             \
  /* binary elementwise with numpy broadcasting */                                         \
  X(Add, add) X(Sub, sub) X(Mul, mul) X(Div, div)                                          \
  /* unary elementwise */                                                                  \
  DG_UNARY_OPS(X) DG_UNARY_OPS_WITH_ATTRIBUTES(X)                                          \
  /* linear algebra and shapes */                                                          \
  X(MatMul, matmul) X(Transpose, transpose) X(Reshape, reshape)                            \
  X(SumTo, sum_to) X(Expand, expand)                                                       \
  X(Concat, concat) X(Slice, slice) X(Pad, pad)                                            \
  /* rows */                                                                               \
  X(GatherRows, gather_rows) X(ScatterAddRows, scatter_add_rows)                           \
  X(RowDot, row_dot) X(RowNorm, row_norm)                                                  \
  /* fused */                                                                              \
  X(Linear, linear) X(PairLinear, pair_linear)

enum class Op : std::uint8_t {
#define DG_OP_ENUM(e, s) e,
  DG_OPS(DG_OP_ENUM)
#undef DG_OP_ENUM
      Count
};

const char* op_name(Op op);

// Activations the fused ops `linear` and `pair_linear` can apply: the identity, then one per
// entry of DG_ACTIVATION_OPS, each the unary op of the same name.
enum class Act : std::uint8_t {
  Identity,
#define DG_ACT_ENUM(e, f) e,
  DG_ACTIVATION_OPS(DG_ACT_ENUM)
#undef DG_ACT_ENUM
};
inline constexpr Act kActs[] = {
    Act::Identity,
#define DG_ACT_LIST(e, f) Act::e,
    DG_ACTIVATION_OPS(DG_ACT_LIST)
#undef DG_ACT_LIST
};

// The unary op that computes `act` (Op::Count for Identity).
constexpr Op act_op(Act act) {
  switch (act) {
    case Act::Identity: return Op::Count;
#define DG_ACT_OP(e, f) \
  case Act::e: return Op::e;
      DG_ACTIVATION_OPS(DG_ACT_OP)
#undef DG_ACT_OP
  }
  return Op::Count;
}
// "identity", or the name of the unary op.
const char* act_name(Act act);
// True when act's derivative must be computed from the pre-activation (silu, softplus, sin: the
// rows of autodiff/kernels/unary.hpp that use the input); the others are differentiated from
// their output alone.
bool act_needs_preactivation(Act act);

}  // namespace dg
