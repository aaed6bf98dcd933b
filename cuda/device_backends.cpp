// The emulated device's backend table (cuda/ops.hpp on the host grid) and the registration of
// every device backend (cuda/device_backends.hpp).
#include "cuda/device_backends.hpp"

#include "cuda/backend_table.hpp"
#include "cuda/host_grid.hpp"

namespace dg::cuda {

namespace {

constexpr DeviceBackend<float> kEmulatedF32 = BackendTable<HostGrid, Device::Emulated, float>::table();
constexpr DeviceBackend<double> kEmulatedF64 = BackendTable<HostGrid, Device::Emulated, double>::table();

}  // namespace

void register_device_backends() {
  register_device_backend(Device::Emulated, &kEmulatedF32, &kEmulatedF64);
#if DYNAGRAD_CUDA
  register_cuda_backend();
#endif
}

}  // namespace dg::cuda
