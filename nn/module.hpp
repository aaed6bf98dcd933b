// Module<T>: the base of every model part. A module owns named parameters and named child
// modules, so every parameter has a path such as `encoder.layers.2.weight` by which a model can
// list, count, save and load it. Order is the order of registration (own parameters first,
// then each child depth first), so visiting is deterministic.
//
//   struct Net : Module<float> {
//     Linear<float> in, out;
//     Net(Philox& rng) : in(2, 16, rng), out(16, 1, rng) {
//       register_module("in", in);
//       register_module("out", out);
//     }
//   };
//
// Modules hold pointers to their members, so they are neither copyable nor movable: keep them
// as members of their parent, or behind std::unique_ptr (see ModuleList in nn/module_list.hpp).
// Parameters live in the module (value + grad); a forward pass registers them on the tape with
// tape.param(p), which copies nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autodiff/tape.hpp"

namespace dg::nn {

// A parameter and its full path in the model.
template <class T>
struct NamedParameter {
  std::string name;
  Parameter<T>* param = nullptr;
};

// A buffer and its full path: a tensor that belongs to the model and is saved with it but is not
// trained (optimisers never see it), e.g. the fixed random matrix of Fourier features.
template <class T>
struct NamedBuffer {
  std::string name;
  Tensor<T>* tensor = nullptr;
};

template <class T>
class Module {
 public:
  using value_type = T;

  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = delete;
  Module& operator=(Module&&) = delete;
  virtual ~Module() = default;

  // Every parameter with its path, in the deterministic visiting order.
  std::vector<NamedParameter<T>> parameters() const;
  // Calls f(path, Parameter<T>&) for every parameter, in the same order as parameters().
  template <class F>
  void visit_parameters(F&& f, const std::string& prefix = "") const;
  // The parameter at `path`, or nullptr.
  Parameter<T>* find_parameter(std::string_view path) const;

  // Every buffer with its path, visited like the parameters (own buffers first, then children).
  std::vector<NamedBuffer<T>> buffers() const;
  template <class F>
  void visit_buffers(F&& f, const std::string& prefix = "") const;

  std::size_t parameter_count() const;  // number of parameter tensors
  index_t parameter_numel() const;      // number of scalars in them
  void zero_grad();                     // every gradient to 0

  // Training / evaluation mode (Dropout is the identity in evaluation); applies to children.
  void train(bool on = true);
  void eval() { train(false); }
  bool training() const { return training_; }

  // A one-line description, e.g. "Linear(3, 4, bias)"; a model's description (for checkpoints)
  // is the tree of these (describe_tree).
  virtual std::string describe() const { return "Module"; }
  std::string describe_tree() const;

  // Direct children with their local names (for walking the tree).
  const std::vector<std::pair<std::string, Module<T>*>>& children() const { return children_; }

 protected:
  // Names are local (no '.'), non-empty and unique within this module; they are the pieces of
  // the paths. The registered objects must outlive this module (normally they are members).
  Parameter<T>& register_parameter(std::string name, Parameter<T>& p);
  // A buffer shares the name space of parameters and children.
  Tensor<T>& register_buffer(std::string name, Tensor<T>& t);
  template <class M>
  M& register_module(std::string name, M& child) {
    add_child(std::move(name), child);
    return child;
  }

 private:
  void check_name(const std::string& name) const;
  void add_child(std::string name, Module<T>& child);
  void describe_into(std::string& out, const std::string& name, int depth) const;

  std::vector<std::pair<std::string, Parameter<T>*>> params_;
  std::vector<std::pair<std::string, Module<T>*>> children_;
  std::vector<std::pair<std::string, Tensor<T>*>> buffers_;
  bool training_ = true;
};

// A module with one input and one output (what MLP, Residual and Sequential-like code chain).
template <class T>
class Layer : public Module<T> {
 public:
  virtual Var<T> forward(Tape<T>& tape, Var<T> x) = 0;
  Var<T> operator()(Tape<T>& tape, Var<T> x) { return forward(tape, x); }
};

template <class T>
template <class F>
void Module<T>::visit_parameters(F&& f, const std::string& prefix) const {
  for (const auto& [name, p] : params_) f(prefix + name, *p);
  for (const auto& [name, child] : children_) child->visit_parameters(f, prefix + name + ".");
}

template <class T>
template <class F>
void Module<T>::visit_buffers(F&& f, const std::string& prefix) const {
  for (const auto& [name, t] : buffers_) f(prefix + name, *t);
  for (const auto& [name, child] : children_) child->visit_buffers(f, prefix + name + ".");
}

extern template class Module<float>;
extern template class Module<double>;

}  // namespace dg::nn
