// Arena growth: move to the next block that fits, or add a block twice the size of the last.
#include "autodiff/arena.hpp"

#include <algorithm>

namespace dg {

void* Arena::allocate_slow(std::size_t bytes) {
  // Skip forward over kept blocks that are too small for this request.
  std::size_t next = current_ < blocks_.size() ? current_ + 1 : current_;
  while (next < blocks_.size() && blocks_[next].bytes() < bytes) ++next;
  if (next == blocks_.size()) {
    std::size_t size = blocks_.empty() ? first_block_ : blocks_.back().bytes() * 2;
    blocks_.emplace_back(std::max(size, bytes), device_);
  }
  current_ = next;
  offset_ = bytes;
  used_ += bytes;
  return blocks_[current_].data();
}

std::size_t Arena::bytes_reserved() const {
  std::size_t total = 0;
  for (const Buffer& b : blocks_) total += b.bytes();
  return total;
}

}  // namespace dg
