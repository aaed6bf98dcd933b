// Where tensor memory lives. Every byte a tensor or the tape owns comes through `Buffer`, so a
// CUDA backend later adds a Device and its allocate/free here without touching the ops.
#pragma once

#include <cstddef>
#include <utility>

namespace dg {

enum class Device { CPU };  // CUDA is reserved (meson option `cuda`), not built yet.

inline constexpr std::size_t kAlignment = 64;  // one cache line / one AVX-512 register

// Raw allocation on a device; `bytes` may be 0 (returns nullptr). Throws std::bad_alloc.
void* device_allocate(Device device, std::size_t bytes);
void device_free(Device device, void* ptr) noexcept;
// How many device allocations this process has made (tests prove a steady-state loop makes none).
std::size_t device_allocation_count() noexcept;

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
