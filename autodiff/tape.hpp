// The tape: a creation-order list of nodes (a Wengert list) over dense tensors.
//
// Every op appends one node holding its op code, the ids of its inputs, its attributes and its
// output value; values and gradients live in an arena owned by the tape. Creation order is
// already a valid reverse order, so `backward(loss)` is a plain loop from the loss down to node 0:
// no recursion, no sort, any depth. `reset()` forgets the nodes but keeps their memory, so a
// training step with fixed shapes allocates nothing after the first one.
//
//   Tape<float> tape;                       // one per thread of work
//   Var<float> x = tape.constant(batch);    // data: copied into the arena
//   Var<float> w = tape.param(weight);      // parameter: no copy, grad accumulates into it
//   Var<float> loss = mean(square(matmul(x, w) - y));
//   tape.backward(loss);                    // weight.grad += d loss / d weight
//   tape.reset();                           // next step reuses the memory
//
// Gradients of gradients: `grad(y, xs, create_graph=true)` writes the backward pass as ordinary
// ops on the same tape, so the result can enter a loss and be differentiated again.
//
// Devices: `Tape<float> tape(Device::CUDA)` keeps its values and gradients in that device's
// memory and runs every op, forward and backward, through the device's backend table
// (autodiff/device_backend.hpp, registered by cuda/device_backends.hpp). Its parameters must live
// on the same device; `constant` copies host data to the device, `item()` and `to_tensor()` copy
// back, and `data()` is a device pointer (docs/cuda.md).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "autodiff/arena.hpp"
#include "autodiff/attributes.hpp"
#include "autodiff/op.hpp"
#include "autodiff/shape.hpp"
#include "autodiff/tensor.hpp"

namespace dg {

template <class T>
class Tape;
template <class T>
struct DeviceBackend;

// A tensor that persists across steps (a weight). Its gradient accumulates with += until
// zero_grad(); the tape only points at it.
template <class T>
struct Parameter {
  Tensor<T> value;
  Tensor<T> grad;

  Parameter() = default;
  explicit Parameter(const Shape& shape) : value(Tensor<T>::zeros(shape)), grad(Tensor<T>::zeros(shape)) {}
  explicit Parameter(Tensor<T> v) : value(std::move(v)), grad(Tensor<T>::zeros(value.shape())) {}
  const Shape& shape() const { return value.shape(); }
  void zero_grad() { grad.fill(T(0)); }
};

// Where a tape sends the gradients of the parameters it records. By default each goes into the
// parameter's own grad; a data-parallel shard (distributed/) gives every parameter a buffer of
// its own, so that shards on several threads never write to the same memory. grad_of returns
// that buffer (p.shape() elements), or nullptr: the parameter is then a constant on this tape.
template <class T>
struct ParamGradTarget {
  virtual ~ParamGradTarget() = default;
  virtual T* grad_of(const Parameter<T>& p) = 0;
};

// A handle to one node of a tape: 16 bytes, copied freely. Valid until the tape is reset.
template <class T>
struct Var {
  Tape<T>* tape = nullptr;
  std::int32_t id = -1;

  bool valid() const { return tape != nullptr; }
  const Shape& shape() const;
  index_t numel() const { return shape().numel(); }
  index_t rows() const { return shape().rows(); }
  index_t cols() const { return shape().cols(); }
  const T* data() const;
  T operator[](index_t i) const { return data()[i]; }
  T operator()(index_t r, index_t c) const { return data()[r * cols() + c]; }
  T item() const;                      // the value of a one-element node
  ConstMatrixMap<T> matrix() const;    // (rows, cols) view of the value
  Tensor<T> to_tensor() const;         // a copy of the value
  const T* grad() const;               // after backward; nullptr if the node has none
  bool requires_grad() const;
};

// A node of the tape: op code, inputs, value and gradient buffers, attributes (named per op),
// and for gather / scatter / pair_linear the row indices copied into the arena.
template <class T>
struct Node {
  Op op = Op::Constant;
  std::uint8_t n_in = 0;
  std::uint8_t flags = 0;
  std::int32_t in[4] = {-1, -1, -1, -1};
  Shape shape;
  T* value = nullptr;  // (shape) in the arena, or the parameter's storage
  T* grad = nullptr;   // (shape) set by backward; a parameter's own grad for Param nodes.
                       // An intermediate's buffer is not zeroed: its first contribution is
                       // written with =, later ones added with += (see kGradWritten).
  Attributes attr;
  const std::int32_t* index = nullptr;  // (n_index) for gather / scatter, in host memory
  index_t n_index = 0;
  const std::int32_t* device_index = nullptr;  // the same on a device tape's device (else null)
  T* saved = nullptr;  // (shape) a tensor the backward needs besides the value (linear: act'(x W + b))
};

enum NodeFlag : std::uint8_t {
  kRequiresGrad = 1,  // some input (transitively) is a parameter or variable
  kLeafGrad = 2,      // grad buffer persists across backward calls (Param, Variable)
  kGradWritten = 4,   // an intermediate's grad buffer holds data (otherwise it reads as zero)
};

// Thrown by the finite-value debug check; names the op and node that made the first NaN or Inf.
struct NonFiniteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
class Tape {
 public:
  explicit Tape(Device device = Device::CPU);  // a non-CPU device needs its backend registered
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  // ---- leaves -------------------------------------------------------------------------
  Var<T> constant(const Tensor<T>& value);               // copied into the arena (from its device)
  Var<T> constant(const Shape& shape, const T* values);  // copied into the arena from the host
  Var<T> scalar(T value) { return constant(Shape::scalar(), &value); }
  Var<T> full(const Shape& shape, T value);
  Var<T> zeros(const Shape& shape) { return full(shape, T(0)); }
  Var<T> variable(const Tensor<T>& value);                  // copied; gradient wanted (see grad())
  Var<T> param(Parameter<T>& p);                            // not copied; grad goes into p.grad
  Var<T> detach(Var<T> x);                                  // same value, no gradient path
  // A constant whose numel() values `write(T* values)` writes in host memory: in place on the
  // CPU; on a device staged in host memory, then copied (the way to make constants on the host).
  template <class F>
  Var<T> constant_written(const Shape& shape, F&& write);

  // ---- gradients ----------------------------------------------------------------------
  // Seeds d y / d y = 1 (y must have one element) and accumulates gradients into every node
  // that needs one: parameters (p.grad +=), variables (readable with Var::grad()). The buffers
  // of intermediate nodes are reused during the sweep: their grad() is null afterwards.
  void backward(Var<T> y);
  void backward(Var<T> y, const Tensor<T>& seed);  // vector-Jacobian product with `seed`
  // d y / d xs[k] as new nodes. With create_graph the backward pass is recorded, so the result
  // can be differentiated again; without, the results are constants. Writes into `out`.
  void grad(Var<T> y, std::span<const Var<T>> xs, std::span<Var<T>> out, bool create_graph = true);
  std::vector<Var<T>> grad(Var<T> y, std::span<const Var<T>> xs, bool create_graph = true);
  Var<T> grad(Var<T> y, Var<T> x, bool create_graph = true);

  // ---- memory -------------------------------------------------------------------------
  void reset();  // forget all nodes; keep the memory
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t arena_bytes_used() const { return arena_.bytes_used(); }
  std::size_t arena_bytes_reserved() const { return arena_.bytes_reserved(); }

  // ---- modes --------------------------------------------------------------------------
  bool grad_enabled() const { return grad_enabled_; }
  void set_grad_enabled(bool on) { grad_enabled_ = on; }
  bool check_finite() const { return check_finite_; }
  void set_check_finite(bool on) { check_finite_ = on; }
  // nullptr (the default): param(p) accumulates into p.grad; else into target->grad_of(p).
  void set_param_grads(ParamGradTarget<T>* target) { param_grads_ = target; }
  // Where values and gradients live; the backend table that runs the ops off the CPU (else null).
  Device device() const { return device_; }
  const DeviceBackend<T>* backend() const { return backend_; }

  // ---- printing (one line per node: id, op, inputs, shape, attributes) ---------------
  void print(std::ostream& os) const;
  void write_dot(std::ostream& os) const;
  std::string str() const;

  // ---- for op implementations ---------------------------------------------------------
  const Node<T>& node(std::int32_t id) const { return nodes_[static_cast<std::size_t>(id)]; }
  Node<T>& node(std::int32_t id) { return nodes_[static_cast<std::size_t>(id)]; }
  // Appends a node with a fresh (uninitialised) value buffer, unless `value` is given.
  Var<T> make_node(Op op, const Shape& shape, std::initializer_list<Var<T>> inputs, T* value = nullptr);
  Arena& arena() { return arena_; }
  // Copies `idx` into host memory kept until reset() (the arena on the CPU) and returns the copy.
  const std::int32_t* store_index(std::span<const std::int32_t> idx);
  // Host memory kept until reset() for indices: the arena on the CPU, a host arena on a device.
  Arena& host_index_arena() { return backend_ ? host_arena_ : arena_; }
  // A device tape: copies `idx` into the device's arena and returns that copy.
  const std::int32_t* store_device_index(std::span<const std::int32_t> idx);
  // Runs the finite check on a freshly computed node when the debug switch is on.
  void finish(Var<T> y) {
    if (check_finite_) check_node_finite(y.id);
  }
  // Throws NonFiniteError if node `id`'s value (or, with a producer, its gradient as just
  // updated by the backward of node `producer`) holds a NaN or Inf.
  void check_node_finite(std::int32_t id, std::int32_t producer = -1) const;

 private:
  Var<T> copied_constant(const Shape& shape, const T* values, Device from);
  void prepare_backward(std::int32_t last);
  T* take_grad_buffer(index_t numel);
  void backward_sweep(std::int32_t last);
  void backward_node(std::int32_t id);                // numeric: autodiff/backward.cpp
  void backward_node_device(std::int32_t id);         // numeric, on a device: autodiff/backward_device.cpp
  void backward_graph_node(std::int32_t id);          // as ops: autodiff/backward_graph.cpp
  void accumulate_graph_grad(std::int32_t id, Var<T> g);

  std::vector<Node<T>> nodes_;
  Arena arena_;    // values, leaf gradients, indices, and the gradient buffers of backward()
  Arena scratch_;  // temporaries of one node's numeric backward, emptied after each node
  std::vector<std::pair<index_t, T*>> free_grads_;  // (numel, buffer) released while planning
  std::vector<std::int32_t> graph_grad_;  // node id -> id of its gradient node (grad())
  bool grad_enabled_ = true;
  bool check_finite_;
  ParamGradTarget<T>* param_grads_ = nullptr;
  Device device_;
  const DeviceBackend<T>* backend_ = nullptr;  // null on the CPU
  Arena host_arena_;                           // a device tape's host-side copies of its indices
};

// Records nothing inside its scope: ops compute values but keep no inputs (their results are
// constants). Restores the previous mode on exit.
template <class T>
class NoGradGuard {
 public:
  explicit NoGradGuard(Tape<T>& t) : tape_(t), prev_(t.grad_enabled()) { t.set_grad_enabled(false); }
  ~NoGradGuard() { tape_.set_grad_enabled(prev_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  Tape<T>& tape_;
  bool prev_;
};

// ---- Var accessors (inline: they are on every hot path) ----------------------------------
template <class T>
inline const Shape& Var<T>::shape() const { return tape->node(id).shape; }
template <class T>
inline const T* Var<T>::data() const { return tape->node(id).value; }
template <class T>
inline T Var<T>::item() const {
  if (numel() != 1) throw_shape_error("Var::item", "needs exactly one element", shape());
  if (tape->device() != Device::CPU) {
    T v;
    device_copy(&v, Device::CPU, data(), tape->device(), sizeof(T));
    return v;
  }
  return data()[0];
}
template <class T>
inline ConstMatrixMap<T> Var<T>::matrix() const { return ConstMatrixMap<T>(data(), rows(), cols()); }
template <class T>
inline const T* Var<T>::grad() const { return tape->node(id).grad; }
template <class T>
inline bool Var<T>::requires_grad() const { return tape->node(id).flags & kRequiresGrad; }
template <class T>
inline Tensor<T> Var<T>::to_tensor() const {
  Tensor<T> t(shape());
  if (tape->device() != Device::CPU)
    device_copy(t.data(), Device::CPU, data(), tape->device(), t.bytes());
  else
    std::copy(data(), data() + numel(), t.data());
  return t;
}

template <class T>
template <class F>
Var<T> Tape<T>::constant_written(const Shape& shape, F&& write) {
  if (backend_) {
    T* staged = host_arena_.allocate_array<T>(static_cast<std::size_t>(shape.numel()));  // (shape) on the host
    write(staged);
    return constant(shape, staged);
  }
  Var<T> y = make_node(Op::Constant, shape, {});
  write(node(y.id).value);
  finish(y);
  return y;
}

extern template class Tape<float>;
extern template class Tape<double>;

}  // namespace dg
