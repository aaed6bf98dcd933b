// Arena: a bump allocator made of blocks that double in size. `reset()` rewinds to the first
// block and keeps every block, so a computation that repeats with the same shapes reuses the
// same memory and allocates nothing after its first run. Pointers stay valid until reset().
// The blocks live on one device: an arena on Device::CUDA is the GPU's memory pool (docs/cuda.md).
#pragma once

#include <cstddef>
#include <vector>

#include "autodiff/storage.hpp"

namespace dg {

class Arena {
 public:
  explicit Arena(std::size_t first_block_bytes = std::size_t(1) << 20, Device device = Device::CPU)
      : first_block_(first_block_bytes), device_(device) {
    blocks_.reserve(48);  // 48 doublings is more memory than exists: no reallocation of the list
  }

  // `bytes` rounded up to kAlignment, aligned to kAlignment. Uninitialised.
  void* allocate(std::size_t bytes) {
    bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    if (current_ < blocks_.size() && offset_ + bytes <= blocks_[current_].bytes()) {
      void* p = static_cast<char*>(blocks_[current_].data()) + offset_;
      offset_ += bytes;
      used_ += bytes;
      return p;
    }
    return allocate_slow(bytes);
  }
  template <class T>
  T* allocate_array(std::size_t n) { return static_cast<T*>(allocate(n * sizeof(T))); }

  void reset() { current_ = 0; offset_ = 0; used_ = 0; }
  std::size_t bytes_used() const { return used_; }      // since the last reset
  std::size_t bytes_reserved() const;                   // all blocks together
  std::size_t block_count() const { return blocks_.size(); }
  Device device() const { return device_; }

 private:
  void* allocate_slow(std::size_t bytes);

  std::vector<Buffer> blocks_;
  std::size_t first_block_;
  Device device_;
  std::size_t current_ = 0;  // block being filled
  std::size_t offset_ = 0;   // bytes used in it
  std::size_t used_ = 0;
};

}  // namespace dg
