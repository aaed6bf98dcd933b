// The device allocation hooks: aligned host memory for the CPU, cudaMalloc'd memory for CUDA
// (only with -Dcuda=enabled). Every allocation is counted, on either device.
#include "autodiff/storage.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#if DYNAGRAD_CUDA
#include <cuda_runtime_api.h>
#endif

namespace dg {

static std::atomic<std::size_t> g_allocations{0};

std::size_t device_allocation_count() noexcept { return g_allocations.load(); }

const char* device_name(Device device) {
  switch (device) {
    case Device::CPU: return "cpu";
#if DYNAGRAD_CUDA
    case Device::CUDA: return "cuda";
#endif
  }
  return "?";
}

void* device_allocate(Device device, std::size_t bytes) {
  if (bytes == 0) return nullptr;
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  switch (device) {
    case Device::CPU: {
      std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
      void* p = std::aligned_alloc(kAlignment, rounded);
      if (!p) throw std::bad_alloc();
      return p;
    }
#if DYNAGRAD_CUDA
    case Device::CUDA: {  // cudaMalloc aligns to at least 256 bytes
      void* p = nullptr;
      if (cudaMalloc(&p, bytes) != cudaSuccess) {
        cudaGetLastError();
        throw std::bad_alloc();
      }
      return p;
    }
#endif
  }
  throw std::bad_alloc();
}

void device_free(Device device, void* ptr) noexcept {
  switch (device) {
    case Device::CPU: std::free(ptr); return;
#if DYNAGRAD_CUDA
    case Device::CUDA:
      if (ptr) cudaFree(ptr);
      return;
#endif
  }
}

void device_copy(void* dst, Device dst_device, const void* src, Device src_device, std::size_t bytes) {
  if (bytes == 0) return;
  if (dst_device == Device::CPU && src_device == Device::CPU) {
    std::memcpy(dst, src, bytes);
    return;
  }
#if DYNAGRAD_CUDA
  const cudaMemcpyKind kind = src_device == Device::CPU   ? cudaMemcpyHostToDevice
                              : dst_device == Device::CPU ? cudaMemcpyDeviceToHost
                                                          : cudaMemcpyDeviceToDevice;
  const cudaError_t e = cudaMemcpy(dst, src, bytes, kind);  // waits for the kernels before it
  if (e == cudaSuccess) return;
  cudaGetLastError();
  throw std::runtime_error(std::string("device_copy ") + device_name(src_device) + " -> " + device_name(dst_device) +
                           " of " + std::to_string(bytes) + " bytes: " + cudaGetErrorString(e));
#endif
}

}  // namespace dg
