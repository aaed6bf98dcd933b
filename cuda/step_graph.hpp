// A training step captured in a CUDA graph and replayed (-Dcuda=enabled only). A step of small
// graphs is launch-bound: hundreds of small kernels, each a few microseconds to launch; a graph
// launches them all at once. NEVER RUN ON A GPU (docs/cuda.md): compile-checked only.
//
//   cuda::StepGraph graph;
//   graph.capture([&] { tape.reset(); ... tape.backward(loss); adam.step(); adam.zero_grad(); });
//   for (...) graph.replay();           // the same kernels on the same addresses
//   graph.synchronize();
//
// capture() runs the step's host code once, with every kernel, product, copy and zeroing of the
// device queued into the graph instead of run. So the step must not wait for the device (no
// item(), no copy to the host, Adam's finite check off), and a replay recomputes exactly the
// captured step: the same tape on the same device addresses, its inputs read where they were
// (copy new data into those places, e.g. a device tensor the step passes to tape.constant, before
// a replay; the tape must not be reset or destroyed between capture and replays).
#pragma once

#include <functional>

struct CUstream_st;
struct CUgraph_st;
struct CUgraphExec_st;

namespace dg::cuda {

class StepGraph {
 public:
  StepGraph();  // creates the capture stream; throws CudaError without a device
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;

  // Captures step(); throws CudaError naming what CUDA refused (e.g. a synchronous call inside).
  void capture(const std::function<void()>& step);
  // Launches the captured graph (returns at once); throws unless capture() succeeded.
  void replay();
  // Waits for the replays.
  void synchronize();

 private:
  CUstream_st* stream_ = nullptr;
  CUgraph_st* graph_ = nullptr;
  CUgraphExec_st* exec_ = nullptr;
};

}  // namespace dg::cuda
