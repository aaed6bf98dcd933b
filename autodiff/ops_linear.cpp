// Forward of the fused op `linear`: y = act(x W + b) in one node. The product goes through the
// matmul kernel; bias and activation are applied in one pass over each block of output rows.
// When the activation's derivative needs the pre-activation z = x W + b (silu, softplus, sin),
// the node keeps act'(z) (node.saved), computed here with the activation; tanh, sigmoid and relu
// are differentiated from y alone. On a device tape, the backend's linear_forward does the same.
#include <cstring>

#include "autodiff/device_backend.hpp"
#include "autodiff/kernels/matmul.hpp"
#include "autodiff/kernels/unary_vector.hpp"
#include "autodiff/ops.hpp"

namespace dg {

template <class T>
Var<T> linear(Var<T> x, Var<T> W, Var<T> b, Act act) {
  if (!x.tape || W.tape != x.tape || (b.tape && b.tape != x.tape))
    throw std::invalid_argument("linear: inputs are empty or on different tapes");
  Tape<T>& t = *x.tape;
  const Shape sx = x.shape(), sw = W.shape();
  if (sx.rank != 2 || sw.rank != 2) throw_shape_error("linear", "needs rank-2 x and W", sx, sw);
  if (sx[1] != sw[0]) throw_shape_error("linear", "inner dimensions differ", sx, sw);
  const index_t R = sx[0], I = sx[1], O = sw[1];
  if (b.tape && b.numel() != O) throw_shape_error("linear", "bias length differs from the output width", b.shape(), sw);
  Var<T> y = b.tape ? t.make_node(Op::Linear, Shape{R, O}, {x, W, b}) : t.make_node(Op::Linear, Shape{R, O}, {x, W});
  Node<T>& n = t.node(y.id);
  n.attr.act = act;
  const bool keep_derivative = act_needs_preactivation(act) && (n.flags & kRequiresGrad);
  // (R, O) z, then act'(z) when kept
  T* z = keep_derivative ? t.arena().template allocate_array<T>(static_cast<std::size_t>(R * O)) : n.value;
  n.saved = keep_derivative ? z : nullptr;
  T* out = n.value;
  const T* bias = b.tape ? b.data() : nullptr;
  if (const DeviceBackend<T>* d = t.backend()) {  // the same on a device: act'(z) into `saved`
    d->linear_forward(act, out, n.saved, x.data(), W.data(), bias, R, I, O);
    t.finish(y);
    return y;
  }
  // Blocks of rows: product, then bias and activation while the block is in cache.
  auto block = [&](index_t lo, index_t hi) {
    kernels::matmul_piece(z + lo * O, x.data(), W.data(), R, O, I, false, false, false, lo, hi, 0, I);
    if (bias)
      for (index_t r = lo; r < hi; ++r)
        for (index_t c = 0; c < O; ++c) z[r * O + c] += bias[c];
    kernels::apply_activation(act, keep_derivative, out + lo * O, z + lo * O, (hi - lo) * O);
  };
  const bool row_kernel = kernels::matmul_uses_row_kernel<T>(O, I, false, true);
  parallel_chunks(R, kernels::matmul_row_block(R, row_kernel), R * I * O, [&](index_t, index_t lo, index_t hi) { block(lo, hi); });
  t.finish(y);
  return y;
}

template Var<float> linear(Var<float>, Var<float>, Var<float>, Act);
template Var<double> linear(Var<double>, Var<double>, Var<double>, Act);

}  // namespace dg
