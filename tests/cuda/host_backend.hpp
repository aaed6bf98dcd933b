// The backend test's host stand-in for the GPU: memory is host memory, and every function of
// cuda/backend.hpp runs its op from cuda/ops.hpp on the host grid (cuda/host_grid.hpp).
#pragma once

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "cuda/backend.hpp"
#include "cuda/host_grid.hpp"
#include "cuda/ops.hpp"

namespace dg::test {

struct HostMemory {
  std::vector<std::unique_ptr<std::byte[]>> blocks;
  std::byte* allocate(std::size_t bytes) { return blocks.emplace_back(new std::byte[bytes]).get(); }
  void write(void* dst, const void* src, std::size_t bytes) { std::memcpy(dst, src, bytes); }
  void read(void* dst, const void* src, std::size_t bytes) { std::memcpy(dst, src, bytes); }
  void finish() {}
};

struct HostApi {
#define DG_HOST_CALL(name)                                    \
  template <class... A>                                       \
  void name(A&&... a) const {                                 \
    cuda::ops::name(cuda::HostGrid{}, std::forward<A>(a)...); \
  }
  DG_CUDA_BACKEND_FUNCTIONS(DG_HOST_CALL)
#undef DG_HOST_CALL
};

}  // namespace dg::test
