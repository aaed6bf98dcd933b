// Tape bookkeeping: leaves, node creation, reset, and the two backward drivers (numeric and
// recorded). The per-op backward code is in backward.cpp and backward_graph.cpp.
#include "autodiff/tape.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "autodiff/device_backend.hpp"
#include "autodiff/message.hpp"
#include "autodiff/ops.hpp"

#ifndef DYNAGRAD_CHECK_FINITE_DEFAULT
#define DYNAGRAD_CHECK_FINITE_DEFAULT 0
#endif

namespace dg {

template <class T>
Tape<T>::Tape(Device device)
    : arena_(std::size_t(1) << 20, device),
      scratch_(std::size_t(1) << 20, device),
      check_finite_(DYNAGRAD_CHECK_FINITE_DEFAULT != 0),
      device_(device),
      backend_(device == Device::CPU ? nullptr : &device_backend<T>(device)) {
  nodes_.reserve(1024);
}

template <class T>
Var<T> Tape<T>::make_node(Op op, const Shape& shape, std::initializer_list<Var<T>> inputs, T* value) {
  Node<T>& n = nodes_.emplace_back();
  n.op = op;
  n.shape = shape;
  bool requires_grad = false;
  for (const Var<T>& v : inputs) {
    if (v.tape != this) {
      nodes_.pop_back();
      throw std::invalid_argument(std::string(op_name(op)) + ": input is not on this tape (or is empty)");
    }
    requires_grad |= (nodes_[static_cast<std::size_t>(v.id)].flags & kRequiresGrad) != 0;
  }
  if (grad_enabled_) {
    for (const Var<T>& v : inputs) n.in[n.n_in++] = v.id;
    if (requires_grad) n.flags = kRequiresGrad;
  }
  n.value = value ? value : arena_.allocate_array<T>(static_cast<std::size_t>(shape.numel()));
  return Var<T>{this, static_cast<std::int32_t>(nodes_.size() - 1)};
}

template <class T>
const std::int32_t* Tape<T>::store_index(std::span<const std::int32_t> idx) {
  std::int32_t* p = host_index_arena().template allocate_array<std::int32_t>(idx.size());
  if (!idx.empty()) std::memcpy(p, idx.data(), idx.size_bytes());
  return p;
}

template <class T>
const std::int32_t* Tape<T>::store_device_index(std::span<const std::int32_t> idx) {
  std::int32_t* p = arena_.allocate_array<std::int32_t>(idx.size());
  device_copy(p, device_, idx.data(), Device::CPU, idx.size_bytes());
  return p;
}

// ---- leaves ---------------------------------------------------------------------------------

template <class T>
Var<T> Tape<T>::copied_constant(const Shape& shape, const T* values, Device from) {
  Var<T> y = make_node(Op::Constant, shape, {});
  if (shape.numel())
    device_copy(node(y.id).value, device_, values, from, sizeof(T) * static_cast<std::size_t>(shape.numel()));
  finish(y);
  return y;
}

template <class T>
Var<T> Tape<T>::constant(const Shape& shape, const T* values) {
  return copied_constant(shape, values, Device::CPU);
}

template <class T>
Var<T> Tape<T>::constant(const Tensor<T>& value) {
  return copied_constant(value.shape(), value.data(), value.device());
}

template <class T>
Var<T> Tape<T>::full(const Shape& shape, T value) {
  Var<T> y = make_node(Op::Constant, shape, {});
  if (backend_)
    backend_->fill(node(y.id).value, shape.numel(), value);
  else
    std::fill(node(y.id).value, node(y.id).value + shape.numel(), value);
  finish(y);
  return y;
}

template <class T>
Var<T> Tape<T>::variable(const Tensor<T>& value) {
  Var<T> y = constant(value);
  Node<T>& n = node(y.id);
  n.op = Op::Variable;
  if (grad_enabled_) {
    n.flags = kRequiresGrad | kLeafGrad;
    n.grad = arena_.allocate_array<T>(static_cast<std::size_t>(value.numel()));
    if (backend_)
      backend_->fill(n.grad, value.numel(), T(0));
    else
      std::fill(n.grad, n.grad + value.numel(), T(0));
  }
  return y;
}

template <class T>
Var<T> Tape<T>::param(Parameter<T>& p) {
  if (p.grad.shape() != p.value.shape())
    throw_shape_error("param", "gradient and value shapes differ", p.grad.shape(), p.value.shape());
  if (p.value.device() != device_ || p.grad.device() != device_)
    throw std::invalid_argument(std::string("param: the parameter lives on ") + device_name(p.value.device()) +
                                " (gradient on " + device_name(p.grad.device()) + "), the tape on " +
                                device_name(device_) + " (move the model with nn::to_device)");
  Var<T> y = make_node(Op::Param, p.value.shape(), {}, p.value.data());
  Node<T>& n = node(y.id);
  T* grad = !grad_enabled_ ? nullptr : param_grads_ ? param_grads_->grad_of(p) : p.grad.data();
  if (grad) {
    n.flags = kRequiresGrad | kLeafGrad;
    n.grad = grad;
  }
  finish(y);
  return y;
}

template <class T>
Var<T> Tape<T>::detach(Var<T> x) {
  const Shape shape = node(x.id).shape;  // a copy: make_node may move the node list
  return copied_constant(shape, node(x.id).value, device_);
}

template <class T>
void Tape<T>::reset() {
  nodes_.clear();
  arena_.reset();
  scratch_.reset();
  host_arena_.reset();
}

// ---- numeric backward ------------------------------------------------------------------------

// Gradient buffers of the intermediate nodes up to `last`, planned before the sweep. A buffer is
// needed from the backward of the node's first consumer (the highest id among the nodes that
// take it as input) until its own backward has run; after that it is handed to a later node of
// the same size. So the sweep keeps writing into the few buffers it has just read, which are
// still in cache, instead of touching fresh memory for every node (the forward values of a long
// rollout do not fit in cache; a gradient per node would double that). The buffers are not
// zeroed: the first gradient written into one overwrites it (kGradWritten).
// Consequence: after backward() only leaves (params, variables) hold their gradients.
template <class T>
void Tape<T>::prepare_backward(std::int32_t last) {
  for (std::int32_t i = 0; i <= last; ++i) {
    Node<T>& n = nodes_[static_cast<std::size_t>(i)];
    if (!(n.flags & kLeafGrad)) {
      n.grad = nullptr;
      n.flags &= static_cast<std::uint8_t>(~kGradWritten);
    }
  }
  free_grads_.clear();
  auto needs_buffer = [](const Node<T>& n) { return (n.flags & kRequiresGrad) && !(n.flags & kLeafGrad) && !n.grad; };
  Node<T>& out = nodes_[static_cast<std::size_t>(last)];
  if (needs_buffer(out)) out.grad = take_grad_buffer(out.shape.numel());
  for (std::int32_t i = last; i >= 0; --i) {  // the sweep's order
    Node<T>& n = nodes_[static_cast<std::size_t>(i)];
    if (n.flags & kRequiresGrad)
      for (int k = 0; k < n.n_in; ++k) {
        Node<T>& x = nodes_[static_cast<std::size_t>(n.in[k])];
        if (needs_buffer(x)) x.grad = take_grad_buffer(x.shape.numel());
      }
    if (!(n.flags & kLeafGrad) && n.grad) free_grads_.emplace_back(n.shape.numel(), n.grad);  // dead after node i
  }
  free_grads_.clear();
}

// A released gradient buffer of `numel` elements, the most recently released first (the one
// most likely in cache), or a fresh one from the arena.
template <class T>
T* Tape<T>::take_grad_buffer(index_t numel) {
  for (std::size_t k = free_grads_.size(); k-- > 0;) {
    if (free_grads_[k].first != numel) continue;
    T* p = free_grads_[k].second;
    free_grads_.erase(free_grads_.begin() + static_cast<std::ptrdiff_t>(k));
    return p;
  }
  return arena_.allocate_array<T>(static_cast<std::size_t>(numel));
}

// Runs the backward of every node from `last` down to 0 that received a gradient. Temporaries
// of one node's backward (pre-activation gradients, partial products) live in `scratch_`, which
// is emptied after each node, so they reuse the same (cached) memory too.
template <class T>
void Tape<T>::backward_sweep(std::int32_t last) {
  for (std::int32_t i = last; i >= 0; --i) {
    const Node<T>& n = nodes_[static_cast<std::size_t>(i)];
    const bool has_grad = (n.flags & kLeafGrad) || (n.flags & kGradWritten);
    if ((n.flags & kRequiresGrad) && n.n_in > 0 && has_grad) {
      if (backend_)
        backward_node_device(i);
      else
        backward_node(i);
      scratch_.reset();
    }
  }
  for (std::int32_t i = 0; i <= last; ++i) {  // intermediates' buffers now belong to other nodes
    Node<T>& n = nodes_[static_cast<std::size_t>(i)];
    if (!(n.flags & kLeafGrad)) n.grad = nullptr;
  }
}

template <class T>
void Tape<T>::backward(Var<T> y, const Tensor<T>& seed) {
  if (y.tape != this) throw std::invalid_argument("backward: the output is not on this tape");
  Node<T>& out = node(y.id);
  if (seed.shape().numel() != out.shape.numel())
    throw_shape_error("backward", "seed does not match the output", seed.shape(), out.shape);
  if (!(out.flags & kRequiresGrad)) return;  // nothing upstream wants a gradient
  prepare_backward(y.id);
  const bool fresh = !(out.flags & kLeafGrad);
  if (backend_) {  // the seed to the device, then (+)= into the output's gradient
    const index_t N = seed.numel();
    T* staged = scratch_.allocate_array<T>(static_cast<std::size_t>(N));  // (N) on the device
    device_copy(staged, device_, seed.data(), Device::CPU, seed.bytes());
    backend_->copy_block(out.grad, N, staged, N, 1, N, !fresh);
  } else {
    for (index_t i = 0; i < seed.numel(); ++i) out.grad[i] = (fresh ? T(0) : out.grad[i]) + seed[i];
  }
  out.flags |= kGradWritten;
  backward_sweep(y.id);
}

template <class T>
void Tape<T>::backward(Var<T> y) {
  if (y.tape != this) throw std::invalid_argument("backward: the output is not on this tape");
  Node<T>& out = node(y.id);
  if (out.shape.numel() != 1)
    throw_shape_error("backward", "needs a one-element output (give a seed for others)", out.shape);
  if (!(out.flags & kRequiresGrad)) return;
  prepare_backward(y.id);
  if (!backend_)
    out.grad[0] = (out.flags & kLeafGrad ? out.grad[0] : T(0)) + T(1);
  else if (out.flags & kLeafGrad)
    backend_->unary_forward(Op::AddScalar, out.grad, out.grad, 1, Attributes{.addend = 1.0});
  else
    backend_->fill(out.grad, 1, T(1));
  out.flags |= kGradWritten;
  backward_sweep(y.id);
}

// ---- recorded backward (gradients as new nodes) ----------------------------------------------

template <class T>
void Tape<T>::accumulate_graph_grad(std::int32_t id, Var<T> g) {
  std::int32_t& slot = graph_grad_[static_cast<std::size_t>(id)];
  slot = slot < 0 ? g.id : add(Var<T>{this, slot}, g).id;
}

template <class T>
void Tape<T>::grad(Var<T> y, std::span<const Var<T>> xs, std::span<Var<T>> out, bool create_graph) {
  if (y.tape != this) throw std::invalid_argument("grad: the output is not on this tape");
  if (out.size() != xs.size()) throw std::invalid_argument("grad: out and xs differ in length");
  if (node(y.id).shape.numel() != 1)
    throw_shape_error("grad", "needs a one-element output", node(y.id).shape);
  for (std::size_t k = 0; k < xs.size(); ++k) {
    if (xs[k].tape != this || xs[k].id > y.id)
      throw std::invalid_argument("grad: input " + std::to_string(k) + " is not on this tape before the output");
    if (!(node(xs[k].id).flags & kRequiresGrad))
      throw std::invalid_argument("grad: input " + std::to_string(k) +
                                  " does not require a gradient (make it with tape.variable() or tape.param())");
  }

  const bool was_enabled = grad_enabled_;
  grad_enabled_ = create_graph && was_enabled;
  graph_grad_.assign(static_cast<std::size_t>(y.id) + 1, -1);
  graph_grad_[static_cast<std::size_t>(y.id)] = full(Shape::scalar(), T(1)).id;
  // Nodes whose gradient can reach an input: ids between the smallest input and y.
  std::int32_t lowest = y.id;
  for (const Var<T>& x : xs) lowest = std::min(lowest, x.id);
  try {
    for (std::int32_t i = y.id; i > lowest; --i) {
      const Node<T>& n = nodes_[static_cast<std::size_t>(i)];
      if (graph_grad_[static_cast<std::size_t>(i)] >= 0 && (n.flags & kRequiresGrad) && n.n_in > 0)
        backward_graph_node(i);
    }
  } catch (...) {
    grad_enabled_ = was_enabled;
    throw;
  }
  grad_enabled_ = was_enabled;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    std::int32_t g = graph_grad_[static_cast<std::size_t>(xs[k].id)];
    out[k] = g >= 0 ? Var<T>{this, g} : zeros(node(xs[k].id).shape);
    if (!create_graph) out[k] = detach(out[k]);
  }
}

template <class T>
std::vector<Var<T>> Tape<T>::grad(Var<T> y, std::span<const Var<T>> xs, bool create_graph) {
  std::vector<Var<T>> out(xs.size());
  grad(y, xs, std::span<Var<T>>(out), create_graph);
  return out;
}

template <class T>
Var<T> Tape<T>::grad(Var<T> y, Var<T> x, bool create_graph) {
  Var<T> out;
  grad(y, std::span<const Var<T>>(&x, 1), std::span<Var<T>>(&out, 1), create_graph);
  return out;
}

// ---- finite check ----------------------------------------------------------------------------

template <class T>
void Tape<T>::check_node_finite(std::int32_t id, std::int32_t producer) const {
  const Node<T>& n = node(id);
  const bool gradient = producer >= 0;
  const T* p = gradient ? n.grad : n.value;
  if (!p || (gradient && !(n.flags & (kLeafGrad | kGradWritten)))) return;
  std::vector<T> host;  // a device tape's values, copied (a debug check: speed is secondary)
  if (backend_) {
    host.resize(static_cast<std::size_t>(n.shape.numel()));
    device_copy(host.data(), Device::CPU, p, device_, host.size() * sizeof(T));
    p = host.data();
  }
  for (index_t i = 0; i < n.shape.numel(); ++i) {
    if (std::isfinite(p[i])) continue;
    Message msg;
    if (gradient)
      msg << "non-finite gradient " << p[i] << " produced by the backward of op '" << op_name(node(producer).op)
          << "' (node " << producer << ") for its input node " << id << " ('" << op_name(n.op) << "', shape "
          << n.shape.str() << ", element " << i << ")";
    else
      msg << "non-finite value " << p[i] << " produced by op '" << op_name(n.op) << "' (node " << id << ", shape "
          << n.shape.str() << ", element " << i << ")";
    throw NonFiniteError(msg.str());
  }
}

template class Tape<float>;
template class Tape<double>;

}  // namespace dg
