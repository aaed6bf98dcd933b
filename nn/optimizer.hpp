// Optimizer<T>: the base of SGD, Adam and AdamW. An optimiser keeps pointers to the parameters
// it updates (with their paths, which name its state in checkpoints), a learning rate, a step
// counter and per-parameter state tensors allocated once at construction (so step() allocates
// nothing).
//
//   Adam<float> opt(model.parameters(), {.lr = 1e-3});
//   ... tape.backward(loss); opt.step(); opt.zero_grad();
//
// Before updating anything, step() checks that every gradient is finite and throws
// NonFiniteGradient naming the parameter otherwise (set check_finite(false) to skip the pass).
// Parameters on a device (nn/device.hpp) keep the state there too; only Adam and AdamW update
// on a device (through the device backend, autodiff/device_backend.hpp).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace dg::nn {

// A state tensor of an optimiser with its name, e.g. "m.layers.0.weight".
template <class T>
struct NamedTensor {
  std::string name;
  Tensor<T>* tensor = nullptr;
};

struct NonFiniteGradient : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
class Optimizer {
 public:
  Optimizer(std::vector<NamedParameter<T>> params, double lr);
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;
  virtual ~Optimizer() = default;

  // One update from the current gradients; then step_count() grows by one.
  void step();
  void zero_grad();

  double lr() const { return lr_; }
  void set_lr(double lr);  // throws for a negative or non-finite rate
  std::int64_t step_count() const { return steps_; }
  void set_step_count(std::int64_t steps);  // restoring a checkpoint
  bool check_finite() const { return check_finite_; }
  void set_check_finite(bool on) { check_finite_ = on; }
  const std::vector<NamedParameter<T>>& parameters() const { return params_; }

  // The short name that prefixes this optimiser's state in checkpoints: "sgd", "adam", "adamw".
  virtual std::string kind() const = 0;
  // Hyperparameters in one line, e.g. "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0)".
  virtual std::string describe() const = 0;
  // Every state tensor with its name, in a fixed order (the step counter is separate).
  virtual std::vector<NamedTensor<T>> state() = 0;

 protected:
  // Updates parameter k (value and state) from its gradient; steps_ is the number of completed
  // steps before this one.
  virtual void update(std::size_t k) = 0;
  // A zero tensor for each parameter (state buffers such as momenta).
  std::vector<Tensor<T>> zeros_like_parameters() const;
  // "<prefix>.<path>" for each buffer of `buffers` (one per parameter).
  std::vector<NamedTensor<T>> named(const std::string& prefix, std::vector<Tensor<T>>& buffers) const;

  std::vector<NamedParameter<T>> params_;
  double lr_;
  std::int64_t steps_ = 0;
  bool check_finite_ = true;
  std::vector<index_t> first_non_finite_;  // per parameter: first non-finite gradient element, or -1

 private:
  void step_on_device();    // the parameters live on a device (nn/device.hpp)
  std::vector<T> staging_;  // one gradient copied to the host for the finite check, on a device
};

// Throws std::invalid_argument "<who>: <what> must be ..., got v" unless lo <= v <= hi (finite).
void check_hyperparameter(const char* who, const char* what, double v, double lo, double hi);

extern template class Optimizer<float>;
extern template class Optimizer<double>;

}  // namespace dg::nn
