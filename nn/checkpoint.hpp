// Checkpoints: a model's parameters and, optionally, its optimiser's state in one .npz file that
// numpy.load opens without dynagrad. The format is documented in docs/checkpoints.md:
//   <path>                     one array per parameter (e.g. "layers.0.weight"), the model's dtype
//   <path>                     likewise one array per buffer (Module::register_buffer)
//   optim.<kind>.step          int64 (): the optimiser's step count  (kind: sgd, adam, adamw)
//   optim.<kind>.<state>       its state tensors, e.g. "optim.adam.m.layers.0.weight"
//   meta.version               int64 (): the format version, 1
//   meta.step                  int64 (): the training step given by the caller
//   meta.description           int32 (n,): UTF-8 bytes of the model description
//   meta.optimizer             int32 (n,): UTF-8 bytes of the optimiser's settings (informational)
//   meta.settings              int32 (n,): optional, UTF-8 "name=value" lines: the run's settings
//                              (nn/step_trainer.hpp refuses a resume whose settings differ)
//   meta.value.<name>          float64 (): optional training state, e.g. the running loss sum
//                              behind a final loss, so a resumed run reports what one run would
//
// Saving writes a temporary file and renames it (io::write_npz), so an interrupted save leaves
// the previous checkpoint intact. Loading checks every name, dtype and shape first and reports
// every mismatch in one CheckpointError; only when all match are the values copied in, so a failed
// load changes nothing.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "nn/module.hpp"
#include "nn/optimizer.hpp"

namespace dg::nn {

inline constexpr std::int64_t kCheckpointVersion = 1;

struct CheckpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Settings = std::vector<std::pair<std::string, std::string>>;  // (name, value), in order

struct CheckpointInfo {
  std::string description = {};  // saved as meta.description; empty: the model's describe_tree()
  std::int64_t step = 0;          // saved as meta.step (>= 0; a negative one is a load error)
  Settings settings = {};         // meta.settings; not saved when empty (names: no '=' or newline)
  std::vector<std::pair<std::string, double>> values = {};  // meta.value.<name>
  bool has_settings = false;      // after a load: the file holds meta.settings
};

// Writes `model` (and `optimizer`'s state) to `path` atomically. Throws CheckpointError if a
// parameter path clashes with the reserved "meta." / "optim." names, io::IoError when the file
// cannot be written (the previous file then stays as it was).
template <class T>
void save_checkpoint(const std::string& path, const Module<T>& model, Optimizer<T>* optimizer,
                     const CheckpointInfo& info);
template <class T>
void save_checkpoint(const std::string& path, const Module<T>& model, const CheckpointInfo& info = {}) {
  save_checkpoint<T>(path, model, nullptr, info);
}
template <class T>
void save_checkpoint(const std::string& path, const Module<T>& model, Optimizer<T>& optimizer,
                     const CheckpointInfo& info = {}) {
  save_checkpoint<T>(path, model, &optimizer, info);
}

// Reads `path` into `model` (and `optimizer`: its state and step count). Returns the saved
// description, step, settings and values. Throws CheckpointError naming every missing, unexpected, mistyped or
// misshapen array, or the read error of a truncated or corrupt file.
template <class T>
CheckpointInfo load_checkpoint(const std::string& path, Module<T>& model, Optimizer<T>* optimizer);
template <class T>
CheckpointInfo load_checkpoint(const std::string& path, Module<T>& model) {
  return load_checkpoint<T>(path, model, nullptr);
}
template <class T>
CheckpointInfo load_checkpoint(const std::string& path, Module<T>& model, Optimizer<T>& optimizer) {
  return load_checkpoint<T>(path, model, &optimizer);
}

extern template void save_checkpoint<float>(const std::string&, const Module<float>&, Optimizer<float>*,
                                            const CheckpointInfo&);
extern template void save_checkpoint<double>(const std::string&, const Module<double>&, Optimizer<double>*,
                                             const CheckpointInfo&);
extern template CheckpointInfo load_checkpoint<float>(const std::string&, Module<float>&, Optimizer<float>*);
extern template CheckpointInfo load_checkpoint<double>(const std::string&, Module<double>&, Optimizer<double>*);

}  // namespace dg::nn
