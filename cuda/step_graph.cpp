// CUDA graph capture and replay of a training step (cuda/step_graph.hpp). Never run on a GPU.
#include "cuda/step_graph.hpp"

#include <cuda_runtime_api.h>

#include <string>

#include "autodiff/storage.hpp"
#include "cuda/runtime.hpp"

namespace dg::cuda {

namespace {
void check(const char* where, cudaError_t e) {
  if (e == cudaSuccess) return;
  cudaGetLastError();
  throw CudaError(std::string("StepGraph: ") + where + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
}
}  // namespace

StepGraph::StepGraph() { check("cudaStreamCreate", cudaStreamCreate(&stream_)); }

StepGraph::~StepGraph() {
  if (exec_) cudaGraphExecDestroy(exec_);
  if (graph_) cudaGraphDestroy(graph_);
  if (stream_) cudaStreamDestroy(stream_);
}

void StepGraph::capture(const std::function<void()>& step) {
  if (exec_) cudaGraphExecDestroy(exec_), exec_ = nullptr;
  if (graph_) cudaGraphDestroy(graph_), graph_ = nullptr;
  check("cudaDeviceSynchronize before the capture", cudaDeviceSynchronize());
  check("cudaStreamBeginCapture", cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal));
  void* previous = device_stream();
  set_device_stream(stream_);  // every launch, product and copy of the backend goes to the capture
  try {
    step();
  } catch (...) {
    set_device_stream(previous);
    cudaGraph_t broken = nullptr;
    cudaStreamEndCapture(stream_, &broken);
    if (broken) cudaGraphDestroy(broken);
    cudaGetLastError();
    throw;
  }
  set_device_stream(previous);
  check("cudaStreamEndCapture (a call in the step that cannot be captured?)", cudaStreamEndCapture(stream_, &graph_));
  check("cudaGraphInstantiate", cudaGraphInstantiate(&exec_, graph_, 0));
}

void StepGraph::replay() {
  if (!exec_) throw CudaError("StepGraph::replay: nothing captured");
  check("cudaGraphLaunch", cudaGraphLaunch(exec_, stream_));
}

void StepGraph::synchronize() { check("cudaStreamSynchronize", cudaStreamSynchronize(stream_)); }

}  // namespace dg::cuda
