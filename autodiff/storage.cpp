// CPU implementation of the device allocation hooks.
#include "autodiff/storage.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace dg {

static std::atomic<std::size_t> g_allocations{0};

std::size_t device_allocation_count() noexcept { return g_allocations.load(); }

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
  }
  throw std::bad_alloc();
}

void device_free(Device device, void* ptr) noexcept {
  switch (device) {
    case Device::CPU: std::free(ptr); return;
  }
}

}  // namespace dg
