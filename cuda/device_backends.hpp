// Registering the device backends (autodiff/device_backend.hpp): the emulated device in every
// build, the GPU with -Dcuda=enabled. A program calls register_device_backends() once before it
// makes a tape or an optimiser on a non-CPU device (examples' --device, tests/cuda/).
#pragma once

#include "autodiff/storage.hpp"

namespace dg::cuda {

// Installs the tables of Device::Emulated (the kernels of cuda/ops.hpp on the host grid) and,
// in a -Dcuda=enabled build, of Device::CUDA (the same kernels launched on the GPU).
void register_device_backends();
// Throws std::runtime_error naming the device and the reason when `device` cannot be used here
// (cuda without a CUDA device or driver); the CPU and the emulated device always can.
void require_device(Device device);

#if DYNAGRAD_CUDA
// The GPU's table (cuda/device_backend_cuda.cu); register_device_backends() calls it.
void register_cuda_backend();
#endif

}  // namespace dg::cuda
