// The backend test on the GPU (built with -Dcuda=enabled), in the style of ggml's test-backend-ops:
// every case of op_cases*.hpp (each tape op, forward and backward, random inputs of several
// shapes) run through cuda/backend.hpp on device memory and compared with the CPU tape:
// normalised squared error at most 1e-7, guard bytes around every device array unchanged, the
// same bits on two runs; and the device arena (the memory pool) allocating nothing after its
// first step. Prints one line per failed case and a summary; exits 0 when all pass,
// 1 when one fails, and 77 (meson's "skipped") with one line when there is no CUDA device.
#include <cstdio>
#include <memory>
#include <utility>

#include "autodiff/arena.hpp"
#include "autodiff/storage.hpp"
#include "cuda/backend.hpp"
#include "cuda/runtime.hpp"
#include "tests/cuda/all_cases.hpp"

using namespace dg;

namespace {

// Device memory for the cases: Buffers on Device::CUDA, copies with device_copy.
struct GpuMemory {
  std::vector<Buffer> blocks;
  std::byte* allocate(std::size_t bytes) {
    return static_cast<std::byte*>(blocks.emplace_back(bytes, Device::CUDA).data());
  }
  void write(void* dst, const void* src, std::size_t bytes) { device_copy(dst, Device::CUDA, src, Device::CPU, bytes); }
  void read(void* dst, const void* src, std::size_t bytes) { device_copy(dst, Device::CPU, src, Device::CUDA, bytes); }
  void finish() { cuda::synchronize("backend test"); }
};

struct GpuApi {
#define DG_GPU_CALL(name)              \
  template <class... A>                \
  void name(A&&... a) const {          \
    cuda::name(std::forward<A>(a)...); \
  }
  DG_CUDA_BACKEND_FUNCTIONS(DG_GPU_CALL)
#undef DG_GPU_CALL
};

// Stand-ins that run nothing, to count the cases when there is no device.
struct NoMemory {
  std::vector<std::unique_ptr<std::byte[]>> blocks;
  std::byte* allocate(std::size_t bytes) { return blocks.emplace_back(new std::byte[bytes]).get(); }
  void write(void*, const void*, std::size_t) {}
  void read(void*, const void*, std::size_t) {}
  void finish() {}
};
struct NoCalls {
#define DG_NO_CALL(name) \
  template <class... A>  \
  void name(A&&...) const {}
  DG_CUDA_BACKEND_FUNCTIONS(DG_NO_CALL)
#undef DG_NO_CALL
};

// The device memory pool: an Arena on Device::CUDA makes no cudaMalloc after its first step,
// and memory written through device_copy reads back the same.
test::CaseResult pool_case() {
  test::CaseResult r;
  r.name = "device arena: no cudaMalloc after step 1";
  Arena pool(std::size_t(1) << 16, Device::CUDA);
  std::vector<float> host(50000), back(50000);
  for (std::size_t i = 0; i < host.size(); ++i) host[i] = static_cast<float>(i) * 0.5f;
  auto step = [&] {
    pool.reset();
    for (std::size_t bytes : {1000u, 70000u, 300u, 200000u}) pool.allocate(bytes);
    float* block = pool.allocate_array<float>(host.size());
    device_copy(block, Device::CUDA, host.data(), Device::CPU, sizeof(float) * host.size());
    device_copy(back.data(), Device::CPU, block, Device::CUDA, sizeof(float) * back.size());
  };
  step();
  const std::size_t after_first = device_allocation_count();
  for (int k = 0; k < 5; ++k) step();
  if (device_allocation_count() != after_first)
    r.problem = "the pool allocated again after its first step";
  else if (back != host)
    r.problem = "device memory did not read back what was written";
  return r;
}

}  // namespace

int main() {
  std::string why;
  if (cuda::device_count(&why) == 0) {
    // Count the cases without running them: the tape side runs, the device side does nothing.
    NoMemory counting;
    const std::size_t cases = test::all_cases(counting, NoCalls{}).size() + 1;  // + the pool case
    std::printf("cuda/backend_ops: SKIPPED all %zu cases: no CUDA device (%s)\n", cases, why.c_str());
    return 77;
  }
  std::printf("cuda/backend_ops on %s\n", cuda::gpu_name().c_str());
  GpuMemory memory;
  std::vector<test::CaseResult> results = test::all_cases(memory, GpuApi{});
  results.push_back(pool_case());
  int failed = 0;
  double worst = 0;
  for (const test::CaseResult& r : results) {
    if (r.error > worst) worst = r.error;
    if (r.problem.empty()) continue;
    ++failed;
    std::printf("FAIL %-36s error %.3g: %s\n", r.name.c_str(), r.error, r.problem.c_str());
  }
  std::printf("cuda/backend_ops: %zu cases, %d failed, worst normalised squared error %.3g (limit %.0e)\n",
              results.size(), failed, worst, test::kMaxError);
  return failed == 0 ? 0 : 1;
}
