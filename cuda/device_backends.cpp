// The emulated device's backend table (cuda/ops.hpp on the host grid) and the registration of
// every device backend (cuda/device_backends.hpp).
#include "cuda/device_backends.hpp"

#include "cuda/backend_table.hpp"
#include "cuda/host_grid.hpp"
#if DYNAGRAD_CUDA
#include "cuda/runtime.hpp"
#endif

#include <stdexcept>
#include <string>

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

void require_device(Device device) {
#if DYNAGRAD_CUDA
  std::string why;
  if (device == Device::CUDA && device_count(&why) == 0)
    throw std::runtime_error("device 'cuda': no usable CUDA device (" + why + ")");
#else
  (void)device;
#endif
}

}  // namespace dg::cuda
