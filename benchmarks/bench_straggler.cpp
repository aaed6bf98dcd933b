// Benchmark of the parallel loops on a busy machine (issue 17, item 9): a "step" of 200 elementwise
// parallel loops (tanh over 8192 floats, 64 chunks each: about the size of an EGNN step's loops),
// timed over repeated steps; min and median per step. Run it with 1 and 2 threads, alone and with a
// busy loop pinned to one core beside it (benchmarks/under_load.sh does that for bench_egnn):
//   taskset -c 1 bash -c 'while :; do :; done' & ./build/benchmarks/bench_straggler 2; kill %1
// It uses autodiff/parallel.hpp alone (no tape), so it also builds against an older header.
// Usage: bench_straggler [threads] [steps]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "autodiff/parallel.hpp"
#include "benchmarks/timing.hpp"

int main(int argc, char** argv) {
  const int threads = dg::bench::int_argument(argc, argv, 1, 1, 1, "bench_straggler [threads >= 1] [steps >= 1]");
  const int steps = dg::bench::int_argument(argc, argv, 2, 15, 1, "bench_straggler [threads >= 1] [steps >= 1]");
  dg::set_num_threads(threads);
  const dg::index_t n = 8192;
  std::vector<float> x(n, 0.5f), y(n);  // (n)
  std::vector<double> ms;
  double checksum = 0;  // the same with any thread count
  for (int step = 0; step < steps; ++step) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int loop = 0; loop < 200; ++loop)
      dg::parallel_for(n, n * 8, [&](dg::index_t lo, dg::index_t hi) {
        for (dg::index_t i = lo; i < hi; ++i) y[i] = std::tanh(x[i] + 1e-3f * static_cast<float>(loop));
      });
    checksum += y[n - 1];
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("straggler_step threads=%d min=%.3f median=%.3f unit=ms steps=%d checksum=%.6f\n", threads, ms[0],
              ms[ms.size() / 2], steps, checksum);
  return 0;
}
