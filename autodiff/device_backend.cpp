// The registry of device backend tables (autodiff/device_backend.hpp): one pointer per device and
// scalar type, set by cuda/ (cuda/device_backends.cpp).
#include "autodiff/device_backend.hpp"

#include <atomic>
#include <stdexcept>
#include <string>

namespace dg {

namespace {

constexpr int kDevices = 3;  // by Device value: CPU, Emulated, CUDA
std::atomic<const DeviceBackend<float>*> g_f32[kDevices];
std::atomic<const DeviceBackend<double>*> g_f64[kDevices];

}  // namespace

void register_device_backend(Device device, const DeviceBackend<float>* f32, const DeviceBackend<double>* f64) {
  if (device == Device::CPU) throw std::invalid_argument("register_device_backend: the CPU needs no backend table");
  g_f32[static_cast<int>(device)].store(f32);
  g_f64[static_cast<int>(device)].store(f64);
}

template <class T>
const DeviceBackend<T>& device_backend(Device device) {
  const DeviceBackend<T>* table = nullptr;
  if constexpr (sizeof(T) == sizeof(float))
    table = g_f32[static_cast<int>(device)].load();
  else
    table = g_f64[static_cast<int>(device)].load();
  if (!table)
    throw std::runtime_error(std::string("no backend registered for device '") + device_name(device) +
                             "' (call dg::cuda::register_device_backends() from cuda/device_backends.hpp first)");
  return *table;
}

template const DeviceBackend<float>& device_backend<float>(Device);
template const DeviceBackend<double>& device_backend<double>(Device);

}  // namespace dg
