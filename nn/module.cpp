// Module bookkeeping: registration with name checks, listing, lookup, modes and descriptions.
#include "nn/module.hpp"

#include <stdexcept>

namespace dg::nn {

template <class T>
void Module<T>::check_name(const std::string& name) const {
  if (name.empty()) throw std::invalid_argument(describe() + ": empty parameter or module name");
  if (name.find('.') != std::string::npos)
    throw std::invalid_argument(describe() + ": name '" + name + "' must not contain '.' (it separates path pieces)");
  for (const auto& entry : params_)
    if (entry.first == name) throw std::invalid_argument(describe() + ": name '" + name + "' is already a parameter");
  for (const auto& entry : children_)
    if (entry.first == name) throw std::invalid_argument(describe() + ": name '" + name + "' is already a child module");
  for (const auto& entry : buffers_)
    if (entry.first == name) throw std::invalid_argument(describe() + ": name '" + name + "' is already a buffer");
}

template <class T>
Parameter<T>& Module<T>::register_parameter(std::string name, Parameter<T>& p) {
  check_name(name);
  if (p.grad.shape() != p.value.shape())
    throw_shape_error("register_parameter", "gradient and value shapes differ for '" + name + "'", p.grad.shape(),
                      p.value.shape());
  params_.emplace_back(std::move(name), &p);
  return p;
}

template <class T>
Tensor<T>& Module<T>::register_buffer(std::string name, Tensor<T>& t) {
  check_name(name);
  buffers_.emplace_back(std::move(name), &t);
  return t;
}

template <class T>
void Module<T>::add_child(std::string name, Module<T>& child) {
  check_name(name);
  if (&child == this) throw std::invalid_argument(describe() + ": a module cannot be its own child");
  children_.emplace_back(std::move(name), &child);
}

template <class T>
std::vector<NamedParameter<T>> Module<T>::parameters() const {
  std::vector<NamedParameter<T>> out;
  visit_parameters([&](const std::string& path, Parameter<T>& p) { out.push_back({path, &p}); });
  return out;
}

template <class T>
std::vector<NamedBuffer<T>> Module<T>::buffers() const {
  std::vector<NamedBuffer<T>> out;
  visit_buffers([&](const std::string& path, Tensor<T>& t) { out.push_back({path, &t}); });
  return out;
}

template <class T>
Parameter<T>* Module<T>::find_parameter(std::string_view path) const {
  // Walk down the tree one path piece at a time.
  const Module<T>* m = this;
  while (true) {
    const std::size_t dot = path.find('.');
    if (dot == std::string_view::npos) {
      for (const auto& [name, p] : m->params_)
        if (name == path) return p;
      return nullptr;
    }
    const std::string_view head = path.substr(0, dot);
    const Module<T>* next = nullptr;
    for (const auto& [name, child] : m->children_)
      if (name == head) next = child;
    if (!next) return nullptr;
    m = next;
    path = path.substr(dot + 1);
  }
}

template <class T>
std::size_t Module<T>::parameter_count() const {
  std::size_t n = 0;
  visit_parameters([&](const std::string&, Parameter<T>&) { ++n; });
  return n;
}

template <class T>
index_t Module<T>::parameter_numel() const {
  index_t n = 0;
  visit_parameters([&](const std::string&, Parameter<T>& p) { n += p.value.numel(); });
  return n;
}

template <class T>
void Module<T>::zero_grad() {
  for (auto& entry : params_) entry.second->zero_grad();
  for (auto& entry : children_) entry.second->zero_grad();
}

template <class T>
void Module<T>::train(bool on) {
  training_ = on;
  for (auto& entry : children_) entry.second->train(on);
}

// One line per module, indented by depth: "name: description".
template <class T>
void Module<T>::describe_into(std::string& out, const std::string& name, int depth) const {
  out.append(static_cast<std::size_t>(2 * depth), ' ');
  if (!name.empty()) out += name + ": ";
  out += describe();
  out += '\n';
  for (const auto& [child_name, child] : children_) child->describe_into(out, child_name, depth + 1);
}

template <class T>
std::string Module<T>::describe_tree() const {
  std::string out;
  describe_into(out, "", 0);
  return out;
}

template class Module<float>;
template class Module<double>;

}  // namespace dg::nn
