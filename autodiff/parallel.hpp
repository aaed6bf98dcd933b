// Deterministic parallel loops. Work [0, n) is cut into chunks whose boundaries depend only on
// n and the grain, never on the number of threads, and each chunk is always computed the same
// way; so results are bitwise identical with 1, 2 or any number of threads. Small loops stay
// serial: a parallel region costs about a microsecond, more than a tiny op.
#pragma once

#include <algorithm>

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

// Calls body(chunk, begin, end) for each chunk of `grain` items of [0, n); in parallel when
// `work` (the scalar operations of the whole loop) is worth it.
template <class Body>
void parallel_chunks(index_t n, index_t grain, index_t work, Body&& body) {
  if (n <= 0) return;
  if (grain <= 0) grain = n;
  const index_t chunks = chunk_count(n, grain);
#ifdef _OPENMP
  if (chunks > 1 && work >= kParallelWork && !omp_in_parallel()) {
#pragma omp parallel for schedule(static)
    for (index_t c = 0; c < chunks; ++c) body(c, c * grain, std::min(n, (c + 1) * grain));
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
