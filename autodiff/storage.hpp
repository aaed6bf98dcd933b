// Where tensor memory lives. Every byte a tensor or the tape owns comes through `Buffer`. With
// -Dcuda=enabled (DYNAGRAD_CUDA) there is a second device, Device::CUDA: its buffers are GPU
// memory (cudaMalloc), counted like the CPU's, and reach the host only through device_copy
// (docs/cuda.md). Without the option the enum has only the CPU and nothing needs CUDA.
#pragma once

#include <cstddef>
#include <utility>

namespace dg {

enum class Device {
  CPU,
#if DYNAGRAD_CUDA
  CUDA,  // GPU memory of CUDA device 0 (cuda/, docs/cuda.md)
#endif
};

// "cpu" or "cuda".
const char* device_name(Device device);

inline constexpr std::size_t kAlignment = 64;  // one cache line / one AVX-512 register

// Raw allocation on a device; `bytes` may be 0 (returns nullptr). Throws std::bad_alloc.
void* device_allocate(Device device, std::size_t bytes);
void device_free(Device device, void* ptr) noexcept;
// How many device allocations this process has made (tests prove a steady-state loop makes none).
std::size_t device_allocation_count() noexcept;
// Copies `bytes` from src (on src_device) to dst (on dst_device) and returns when the copy is done.
// Throws std::runtime_error naming the devices if the copy fails.
void device_copy(void* dst, Device dst_device, const void* src, Device src_device, std::size_t bytes);

// An owning, move-only block of device memory, aligned to kAlignment.
class Buffer {
 public:
  Buffer() = default;
  Buffer(std::size_t bytes, Device device = Device::CPU)
      : ptr_(device_allocate(device, bytes)), bytes_(bytes), device_(device) {}
  Buffer(Buffer&& o) noexcept { swap(o); }
  Buffer& operator=(Buffer&& o) noexcept {
    Buffer tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer() { device_free(device_, ptr_); }

  void* data() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }
  Device device() const { return device_; }

 private:
  void swap(Buffer& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(bytes_, o.bytes_);
    std::swap(device_, o.device_);
  }
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
  Device device_ = Device::CPU;
};

}  // namespace dg
