// The op codes of the tape: one enum, one name each. The forward of every op is in
// autodiff/ops.cpp, its backward in the single switch of autodiff/backward.cpp, and its backward
// written as tape ops (for gradients of gradients) in autodiff/backward_graph.cpp.
#pragma once

#include <cstdint>

namespace dg {

// X(enum name, printed name)
#define DG_OPS(X)                                                                         \
  /* leaves */                                                                            \
  X(Constant, "constant") X(Variable, "variable") X(Param, "param")                      \
  /* binary elementwise with numpy broadcasting */                                        \
  X(Add, "add") X(Sub, "sub") X(Mul, "mul") X(Div, "div")                                 \
  /* unary elementwise; a0, a1 are scalar attributes */                                   \
  X(Neg, "neg") X(Exp, "exp") X(Log, "log") X(Sqrt, "sqrt") X(Square, "square")          \
  X(Abs, "abs") X(Tanh, "tanh") X(Sigmoid, "sigmoid") X(Relu, "relu") X(Silu, "silu")    \
  X(Softplus, "softplus") X(Sin, "sin") X(Cos, "cos") X(Pow, "pow") X(Clamp, "clamp")    \
  X(Scale, "scale") X(AddScalar, "add_scalar")                                            \
  /* piecewise-constant (their derivative is zero): used by backward graphs */           \
  X(Mask, "mask") X(Sign, "sign")                                                         \
  /* linear algebra and shapes */                                                         \
  X(MatMul, "matmul") X(Transpose, "transpose") X(Reshape, "reshape")                     \
  X(SumTo, "sum_to") X(Expand, "expand")                                                  \
  X(Concat, "concat") X(Slice, "slice") X(Pad, "pad")                                     \
  /* rows */                                                                              \
  X(GatherRows, "gather_rows") X(ScatterAddRows, "scatter_add_rows")                      \
  X(RowDot, "row_dot") X(RowNorm, "row_norm")                                             \
  /* fused */                                                                             \
  X(Linear, "linear") X(PairLinear, "pair_linear")

enum class Op : std::uint8_t {
#define DG_OP_ENUM(e, s) e,
  DG_OPS(DG_OP_ENUM)
#undef DG_OP_ENUM
      Count
};

const char* op_name(Op op);

// Activations the fused ops `linear` and `pair_linear` can apply; each is the unary op of the same name.
enum class Act : std::uint8_t { Identity, Relu, Tanh, Sigmoid, Silu, Softplus, Sin };
const char* act_name(Act act);
// The unary op that computes `act` (Op::Count for Identity).
Op act_op(Act act);
// True when act's derivative must be computed from the pre-activation (silu, softplus, sin);
// tanh, sigmoid and relu are differentiated from their output alone.
inline bool act_needs_preactivation(Act act) { return act == Act::Silu || act == Act::Softplus || act == Act::Sin; }

}  // namespace dg
