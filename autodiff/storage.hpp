// Where tensor memory lives. Every byte a tensor or the tape owns comes through `Buffer`. With
// -Dcuda=enabled (DYNAGRAD_CUDA) there is Device::CUDA: its buffers are GPU memory (cudaMalloc),
// counted like the CPU's, and reach the host only through device_copy (docs/cuda.md). Every
// build has Device::Emulated, a stand-in for a GPU on the host: host memory, but a tape on it
// runs every op through the device backend table (autodiff/device_backend.hpp) exactly as a CUDA
// tape does, so the dispatch is tested without a GPU.
#pragma once

#include <cstddef>
#include <utility>

namespace dg {

enum class Device {
  CPU,
  Emulated,  // host memory used as a device: every op through the device backend (tests, --device emulated)
#if DYNAGRAD_CUDA
  CUDA,  // GPU memory of CUDA device 0 (cuda/, docs/cuda.md)
#endif
};

// "cpu", "emulated" or "cuda".
const char* device_name(Device device);
// The device named `name` ("cpu", "emulated", "cuda"); throws std::invalid_argument naming the
// known devices (and saying when "cuda" needs a -Dcuda=enabled build).
Device parse_device(const char* name);

inline constexpr std::size_t kAlignment = 64;  // one cache line / one AVX-512 register

// Raw allocation on a device; `bytes` may be 0 (returns nullptr). Throws std::bad_alloc.
void* device_allocate(Device device, std::size_t bytes);
void device_free(Device device, void* ptr) noexcept;
// How many device allocations this process has made (tests prove a steady-state loop makes none).
std::size_t device_allocation_count() noexcept;
std::size_t device_allocation_count(Device device) noexcept;  // those on one device
// Copies `bytes` from src (on src_device) to dst (on dst_device) and returns when the copy is done.
// Throws std::runtime_error naming the devices if the copy fails.
void device_copy(void* dst, Device dst_device, const void* src, Device src_device, std::size_t bytes);
// Sets `bytes` bytes at ptr (on `device`) to zero.
void device_zero(Device device, void* ptr, std::size_t bytes);

#if DYNAGRAD_CUDA
// The CUDA stream (a cudaStream_t) that device copies, zeroing, kernels and products go to: null,
// the legacy default stream, unless a CUDA graph capture sets its own (cuda/step_graph.hpp).
// Copies to the device and within it are queued on it; a copy to the host waits for it.
void set_device_stream(void* stream);
void* device_stream();
#endif

// The emulated device's guard, for tests: while on, the emulated device's memory is mapped
// PROT_NONE, so a host read or write of it outside the backend (a device pointer used as a host
// one, which on a GPU would crash or read garbage) stops the program with a segmentation fault.
// The backend's functions and device_copy / device_zero open it for their duration
// (EmulatedAccess). Off by default; it costs two mprotect calls per allocation per backend call.
void set_emulated_guard(bool on);
class EmulatedAccess {
 public:
  explicit EmulatedAccess(Device device);
  ~EmulatedAccess();
  EmulatedAccess(const EmulatedAccess&) = delete;
  EmulatedAccess& operator=(const EmulatedAccess&) = delete;

 private:
  bool opened_ = false;
};

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
