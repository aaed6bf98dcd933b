// The GPU's backend table (autodiff/device_backend.hpp): the kernels of cuda/ops.hpp launched by
// the GPU executor (cuda/launch.cuh) on Device::CUDA memory. Compiled with -Dcuda=enabled only.
#include "cuda/backend_table.hpp"
#include "cuda/device_backends.hpp"
#include "cuda/launch.cuh"

namespace dg::cuda {

namespace {

constexpr DeviceBackend<float> kCudaF32 = BackendTable<Gpu, Device::CUDA, float>::table();
constexpr DeviceBackend<double> kCudaF64 = BackendTable<Gpu, Device::CUDA, double>::table();

}  // namespace

void register_cuda_backend() { register_device_backend(Device::CUDA, &kCudaF32, &kCudaF64); }

}  // namespace dg::cuda
