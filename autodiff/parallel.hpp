// Deterministic parallel loops. Work [0, n) is cut into chunks whose boundaries depend only on
// n and the grain, never on the number of threads, and each chunk is always computed the same
// way; so results are bitwise identical with 1, 2 or any number of threads. Small loops stay
// serial: a parallel region costs about a microsecond, more than a tiny op.
#pragma once

#include <algorithm>
#include <atomic>

#include "autodiff/shape.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace dg {

// Loops with fewer scalar operations than this run on one thread.
inline constexpr index_t kParallelWork = 1 << 14;

inline int num_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}
inline void set_num_threads(int n) {
#ifdef _OPENMP
  omp_set_num_threads(n < 1 ? 1 : n);
#else
  (void)n;
#endif
}
inline int thread_id() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

inline index_t chunk_count(index_t n, index_t grain) { return grain <= 0 ? 1 : (n + grain - 1) / grain; }

#ifdef _OPENMP
// The straggler guard. When another process keeps one of the cores busy, a thread of ours waits
// for its turn on that core, and every parallel loop ends by waiting for it: an EGNN training
// step with 2 threads took 13x as long as with 1 (BENCHMARKS.md, "Two threads on a busy
// machine"). So the first thread times how long it waited at the end of a loop for the others; a
// wait of more than 200 us that is also longer than its own share of the work marks a
// straggler, and the next loops run on the calling thread alone: first for 2 ms, then twice as
// long after each loop that straggles again (up to 1 s), until a loop without a straggler resets
// it. Which thread computes a chunk never changes its bits, so the results do not depend on this.
namespace detail {
struct StragglerGuard {
  std::atomic<double> serial_until{0};  // omp_get_wtime() before which loops run on one thread
  std::atomic<double> backoff{0};       // seconds of the next serial period (0: none yet)
};
inline StragglerGuard& straggler_guard() {
  static StragglerGuard guard;
  return guard;
}
inline bool avoid_threads() {
  const double until = straggler_guard().serial_until.load(std::memory_order_relaxed);
  return until > 0 && omp_get_wtime() < until;
}
// After a parallel loop that started at `start`, whose first thread finished its own chunks at
// `own_done`, and that ended (all threads done) at `end`.
inline void record_parallel_loop(double start, double own_done, double end) {
  StragglerGuard& g = straggler_guard();
  const double waited = end - own_done, worked = own_done - start;
  if (waited > 200e-6 && waited > worked) {
    const double b = g.backoff.load(std::memory_order_relaxed);
    const double period = b <= 0 ? 2e-3 : std::min(2 * b, 1.0);
    g.backoff.store(period, std::memory_order_relaxed);
    g.serial_until.store(end + period, std::memory_order_relaxed);
  } else {
    g.backoff.store(0, std::memory_order_relaxed);
  }
}
}  // namespace detail
#endif

// Calls body(chunk, begin, end) for each chunk of `grain` items of [0, n); in parallel when
// `work` (the scalar operations of the whole loop) is worth it.
template <class Body>
void parallel_chunks(index_t n, index_t grain, index_t work, Body&& body) {
  if (n <= 0) return;
  if (grain <= 0) grain = n;
  const index_t chunks = chunk_count(n, grain);
#ifdef _OPENMP
  if (chunks > 1 && work >= kParallelWork && !omp_in_parallel() && !detail::avoid_threads()) {
    const double start = omp_get_wtime();
    double own_done = start;
#pragma omp parallel
    {
#pragma omp for schedule(static) nowait
      for (index_t c = 0; c < chunks; ++c) body(c, c * grain, std::min(n, (c + 1) * grain));
      if (omp_get_thread_num() == 0) own_done = omp_get_wtime();
    }
    detail::record_parallel_loop(start, own_done, omp_get_wtime());
    return;
  }
#else
  (void)work;
#endif
  for (index_t c = 0; c < chunks; ++c) body(c, c * grain, std::min(n, (c + 1) * grain));
}

// Same as parallel_chunks for loops whose items are independent (elementwise), in 64 pieces
// when the work is worth threads, else in one call body(0, n) (a small op then pays for one
// loop, not 64). The choice depends on the work alone, never on the thread count, so a body
// whose pieces round differently from the whole (vectorised ranges with a scalar tail) still
// gives the same bits with any number of threads.
template <class Body>
void parallel_for(index_t n, index_t work, Body&& body) {
  if (n <= 0) return;
  if (work < kParallelWork) {
    body(index_t{0}, n);
    return;
  }
  const index_t grain = std::max<index_t>(1, (n + 63) / 64);
  parallel_chunks(n, grain, work, [&](index_t, index_t b, index_t e) { body(b, e); });
}

}  // namespace dg
