// ModuleList<M>: an owning, growable list of child modules named "0", "1", ... so that their
// parameters get paths like `layers.2.weight`. Modules cannot move, so each lives behind a
// unique_ptr and is constructed in place by emplace_back.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/module.hpp"

namespace dg::nn {

template <class M>
class ModuleList : public Module<typename M::value_type> {
 public:
  ModuleList() = default;

  // Constructs an M from `args` at the end of the list and registers it as child "<index>".
  template <class... Args>
  M& emplace_back(Args&&... args) {
    items_.push_back(std::make_unique<M>(std::forward<Args>(args)...));
    return this->register_module(std::to_string(items_.size() - 1), *items_.back());
  }
  // Takes ownership of an existing module (e.g. a derived type of M).
  M& push_back(std::unique_ptr<M> m) {
    items_.push_back(std::move(m));
    return this->register_module(std::to_string(items_.size() - 1), *items_.back());
  }

  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  M& operator[](std::size_t i) { return *items_[i]; }
  const M& operator[](std::size_t i) const { return *items_[i]; }
  M& back() { return *items_.back(); }

  std::string describe() const override { return "ModuleList(" + std::to_string(items_.size()) + ")"; }

 private:
  std::vector<std::unique_ptr<M>> items_;
};

}  // namespace dg::nn
