// The attributes of a tape node, named per op (an exponent, bounds, an axis, an activation):
// one small union instead of anonymous slots, so each op reads and writes its own names.
#pragma once

#include "autodiff/op.hpp"
#include "autodiff/shape.hpp"

namespace dg {

// The attributes of a node, named per op; the ops not listed here have none (`none`).
union Attributes {
  struct None {} none = {};
  double exponent;                                 // pow: y = x^exponent
  struct Bounds { double lo, hi; } bounds;         // clamp (to [lo, hi]), mask (1 where lo < x < hi)
  double factor;                                   // scale: y = factor x
  double addend;                                   // add_scalar: y = x + addend
  struct Transposed { bool a, b; } transposed;     // matmul: y = op(a) op(b)
  int axis;                                        // concat
  struct Range { int axis; index_t start; } range; // slice, pad: the offset of the smaller along axis
  Act act;                                         // linear, pair_linear: the activation applied
};

}  // namespace dg
