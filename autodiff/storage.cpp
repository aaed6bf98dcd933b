// The device allocation hooks: aligned host memory for the CPU and the emulated device,
// cudaMalloc'd memory for CUDA (only with -Dcuda=enabled). Every allocation is counted, per device.
#include "autodiff/storage.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

#if DYNAGRAD_CUDA
#include <cuda_runtime_api.h>
#endif

namespace dg {

static std::atomic<std::size_t> g_allocations{0};

#if DYNAGRAD_CUDA
static std::atomic<void*> g_stream{nullptr};
void set_device_stream(void* stream) { g_stream.store(stream); }
void* device_stream() { return g_stream.load(std::memory_order_relaxed); }
#endif

// ---- the emulated device's guard ------------------------------------------------------------
// With the guard on, emulated memory comes from mmap (whole pages) and stays PROT_NONE except
// while an EmulatedAccess is open; every such block is listed so that access can open them all.
namespace {
struct EmulatedBlocks {
  std::mutex mutex;
  std::map<void*, std::size_t> mapped;  // mmap'd block -> its bytes (page multiple)
  int open = 0;                         // EmulatedAccess scopes now open
};
EmulatedBlocks& emulated_blocks() {
  static EmulatedBlocks blocks;
  return blocks;
}
std::atomic<bool> g_emulated_guard{false};

void protect_all(EmulatedBlocks& b, int prot) {
  for (const auto& [p, bytes] : b.mapped)
    if (mprotect(p, bytes, prot) != 0) throw std::runtime_error("emulated device guard: mprotect failed");
}
}  // namespace

void set_emulated_guard(bool on) {
  EmulatedBlocks& b = emulated_blocks();
  std::lock_guard<std::mutex> lock(b.mutex);
  g_emulated_guard.store(on);
  if (b.open == 0) protect_all(b, on ? PROT_NONE : PROT_READ | PROT_WRITE);
}

EmulatedAccess::EmulatedAccess(Device device) {
  if (device != Device::Emulated || !g_emulated_guard.load(std::memory_order_relaxed)) return;
  EmulatedBlocks& b = emulated_blocks();
  std::lock_guard<std::mutex> lock(b.mutex);
  if (b.open++ == 0) protect_all(b, PROT_READ | PROT_WRITE);
  opened_ = true;
}

EmulatedAccess::~EmulatedAccess() {
  if (!opened_) return;
  EmulatedBlocks& b = emulated_blocks();
  std::lock_guard<std::mutex> lock(b.mutex);
  if (--b.open == 0 && g_emulated_guard.load()) protect_all(b, PROT_NONE);
}

static void* emulated_allocate(std::size_t bytes) {
  EmulatedBlocks& b = emulated_blocks();
  std::lock_guard<std::mutex> lock(b.mutex);
  const std::size_t page = 4096, rounded = (bytes + page - 1) / page * page;
  const int prot = g_emulated_guard.load() && b.open == 0 ? PROT_NONE : PROT_READ | PROT_WRITE;
  void* p = mmap(nullptr, rounded, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  b.mapped.emplace(p, rounded);
  return p;
}

static void emulated_free(void* ptr) noexcept {
  if (!ptr) return;
  EmulatedBlocks& b = emulated_blocks();
  std::lock_guard<std::mutex> lock(b.mutex);
  auto it = b.mapped.find(ptr);
  if (it == b.mapped.end()) return;
  munmap(it->first, it->second);
  b.mapped.erase(it);
}

static std::atomic<std::size_t> g_device_allocations[3] = {0, 0, 0};  // by Device value

std::size_t device_allocation_count() noexcept { return g_allocations.load(); }
std::size_t device_allocation_count(Device device) noexcept {
  return g_device_allocations[static_cast<int>(device)].load();
}

const char* device_name(Device device) {
  switch (device) {
    case Device::CPU: return "cpu";
    case Device::Emulated: return "emulated";
#if DYNAGRAD_CUDA
    case Device::CUDA: return "cuda";
#endif
  }
  return "?";
}

Device parse_device(const char* name) {
  const std::string n = name ? name : "";
  if (n == "cpu") return Device::CPU;
  if (n == "emulated") return Device::Emulated;
#if DYNAGRAD_CUDA
  if (n == "cuda") return Device::CUDA;
#else
  if (n == "cuda")
    throw std::invalid_argument("device 'cuda': this build has no CUDA backend (configure with -Dcuda=enabled)");
#endif
  throw std::invalid_argument("unknown device '" + n + "' (known: cpu, emulated, cuda)");
}

void* device_allocate(Device device, std::size_t bytes) {
  if (bytes == 0) return nullptr;
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_device_allocations[static_cast<int>(device)].fetch_add(1, std::memory_order_relaxed);
  switch (device) {
    case Device::Emulated: return emulated_allocate(bytes);
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
    case Device::Emulated: emulated_free(ptr); return;
#if DYNAGRAD_CUDA
    case Device::CUDA:
      if (ptr) cudaFree(ptr);
      return;
#endif
  }
}

void device_copy(void* dst, Device dst_device, const void* src, Device src_device, std::size_t bytes) {
  if (bytes == 0) return;
#if DYNAGRAD_CUDA
  if (dst_device != Device::CUDA && src_device != Device::CUDA) {
#endif
    const EmulatedAccess dst_access(dst_device), src_access(src_device);
    std::memcpy(dst, src, bytes);  // host memory on both sides
    return;
#if DYNAGRAD_CUDA
  }
  const cudaMemcpyKind kind = src_device != Device::CUDA   ? cudaMemcpyHostToDevice
                              : dst_device != Device::CUDA ? cudaMemcpyDeviceToHost
                                                           : cudaMemcpyDeviceToDevice;
  // Queued on the stream after the kernels before it; a copy to the host then waits for it. (From
  // pageable host memory, cudaMemcpyAsync returns once the source has been read.)
  const cudaStream_t stream = static_cast<cudaStream_t>(device_stream());
  cudaError_t e = cudaMemcpyAsync(dst, src, bytes, kind, stream);
  if (e == cudaSuccess && kind == cudaMemcpyDeviceToHost) e = cudaStreamSynchronize(stream);
  if (e == cudaSuccess) return;
  cudaGetLastError();
  throw std::runtime_error(std::string("device_copy ") + device_name(src_device) + " -> " + device_name(dst_device) +
                           " of " + std::to_string(bytes) + " bytes: " + cudaGetErrorString(e));
#endif
}

void device_zero(Device device, void* ptr, std::size_t bytes) {
  if (bytes == 0) return;
#if DYNAGRAD_CUDA
  if (device == Device::CUDA) {
    const cudaError_t e = cudaMemsetAsync(ptr, 0, bytes, static_cast<cudaStream_t>(device_stream()));
    if (e == cudaSuccess) return;
    cudaGetLastError();
    throw std::runtime_error(std::string("device_zero of ") + std::to_string(bytes) +
                             " bytes: " + cudaGetErrorString(e));
  }
#endif
  const EmulatedAccess access(device);
  std::memset(ptr, 0, bytes);
}

}  // namespace dg
