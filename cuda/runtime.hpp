// The CUDA runtime as the rest of dynagrad sees it: is there a device, errors as exceptions that
// name the call, waiting for the device, and the one cuBLAS handle. Plain C++ declarations (no
// CUDA header), so code built by g++ calls them; they are defined in cuda/runtime.cpp.
#pragma once

#include <stdexcept>
#include <string>

namespace dg::cuda {

// A CUDA call that failed; the message names the call and CUDA's error text.
struct CudaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Number of usable CUDA devices: 0 when there is none or no driver (never throws). `why` receives
// CUDA's reason when it returns 0.
int device_count(std::string* why = nullptr);
// The name of CUDA device 0 ("NVIDIA H100 80GB HBM3"), or "" without a device.
std::string gpu_name();
// Waits for every launched kernel; throws CudaError naming `where` if one failed.
void synchronize(const char* where);
// Throws CudaError naming `where` if the last launch failed to start.
void check_launch(const char* where);

}  // namespace dg::cuda
