// The CUDA runtime calls behind cuda/runtime.hpp.
#include "cuda/runtime.hpp"

#include <cuda_runtime_api.h>

namespace dg::cuda {

namespace {
[[noreturn]] void fail(const char* where, cudaError_t e) {
  throw CudaError(std::string(where) + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
}
}  // namespace

int device_count(std::string* why) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    if (why) *why = cudaGetErrorString(e);
    cudaGetLastError();  // clear the error so that later checks do not report it
    return 0;
  }
  if (n == 0 && why) *why = "no CUDA device";
  return n;
}

std::string gpu_name() {
  if (device_count() == 0) return "";
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) return "";
  return prop.name;
}

void synchronize(const char* where) {
  const cudaError_t e = cudaDeviceSynchronize();
  if (e != cudaSuccess) fail(where, e);
}

void check_launch(const char* where) {
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) fail(where, e);
}

}  // namespace dg::cuda
