// The rules the two numeric backward passes share (autodiff/backward.cpp on the CPU,
// autodiff/backward_device.cpp on a device): which inputs want a gradient, the first write into a
// gradient buffer (`claim`), and matmul's four transpose cases. Internal to autodiff/.
#pragma once

#include "autodiff/tape.hpp"

namespace dg::backward_rules {

template <class T>
bool wants_grad(const Node<T>& n) {
  return (n.flags & kRequiresGrad) && n.grad;
}

// True when x's gradient buffer has not been written yet (the caller then overwrites it);
// marks it written either way.
template <class T>
bool claim(Node<T>& x) {
  if (x.flags & (kLeafGrad | kGradWritten)) return false;
  x.flags |= kGradWritten;
  return true;
}

// The gradients of y = op(a) op(b) (node n, gradient g) into a and b, the four transpose cases
// written out; mm(y, p, q, m, n, k, tp, tq, accumulate) computes y (m, n) (+)= op(p) op(q).
template <class T, class Multiply>
void matmul_backward(const Node<T>& n, Node<T>& a, Node<T>& b, Multiply mm) {
  const T* g = n.grad;
  const bool ta = n.attr.transposed.a, tb = n.attr.transposed.b;
  const index_t m = n.shape[0], nn = n.shape[1];
  const index_t k = ta ? a.shape[0] : a.shape[1];
  if (wants_grad(a)) {
    const bool acc = !claim(a);
    if (!ta && !tb)
      mm(a.grad, g, b.value, m, k, nn, false, true, acc);  // g b^T
    else if (!ta && tb)
      mm(a.grad, g, b.value, m, k, nn, false, false, acc);  // g b
    else if (ta && !tb)
      mm(a.grad, b.value, g, k, m, nn, false, true, acc);  // b g^T
    else
      mm(a.grad, b.value, g, k, m, nn, true, true, acc);  // b^T g^T
  }
  if (wants_grad(b)) {
    const bool acc = !claim(b);
    if (!ta && !tb)
      mm(b.grad, a.value, g, k, nn, m, true, false, acc);  // a^T g
    else if (ta && !tb)
      mm(b.grad, a.value, g, k, nn, m, false, false, acc);  // a g
    else if (!ta && tb)
      mm(b.grad, g, a.value, nn, k, m, true, false, acc);  // g^T a
    else
      mm(b.grad, g, a.value, nn, k, m, true, true, acc);  // g^T a^T
  }
}

}  // namespace dg::backward_rules
