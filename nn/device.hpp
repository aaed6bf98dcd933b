// Moving a model's parameters to a device: each parameter's value is copied there and its
// gradient becomes zeros there, so a tape on that device (Tape(Device)) records them without
// copies and an optimiser made afterwards keeps its state there too (docs/cuda.md). Buffers
// (register_buffer) stay on the host: a forward copies them to the tape with tape.constant.
#pragma once

#include "nn/module.hpp"

namespace dg::nn {

template <class T>
void to_device(const Module<T>& module, Device device) {
  module.visit_parameters([&](const std::string&, Parameter<T>& p) {
    if (p.value.device() == device && p.grad.device() == device) return;
    p.value = p.value.to(device);
    p.grad = Tensor<T>(p.value.shape(), device);
    p.grad.fill(T(0));
  });
}

}  // namespace dg::nn
