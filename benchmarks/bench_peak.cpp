// The machine's float32 peak on one core, measured: 12 independent chains of fused multiply-adds
// on the widest vectors the build targets (AVX-512: 16 floats, AVX2: 8), enough chains to hide the
// FMA latency on two pipes. Prints the GFLOP/s at the fastest of the repeats; compare.py's --peak
// takes it (the 215 GFLOP/s per core assumed a lower clock than this machine runs at).
// Usage: bench_peak
#include <cstdio>

#include "benchmarks/timing.hpp"

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace {

#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline Vec splat(float x) { return _mm512_set1_ps(x); }
inline float lane_sum(Vec v) { return _mm512_reduce_add_ps(v); }
constexpr const char* kIsa = "avx512";
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
inline Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline Vec splat(float x) { return _mm256_set1_ps(x); }
inline float lane_sum(Vec v) {
  alignas(32) float f[8];
  _mm256_store_ps(f, v);
  return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
constexpr const char* kIsa = "avx2";
#else
using Vec = float;
constexpr int kLanes = 1;
inline Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
inline Vec splat(float x) { return x; }
inline float lane_sum(Vec v) { return v; }
constexpr const char* kIsa = "scalar";
#endif

constexpr long kIterations = 20'000'000;

// 12 chains x `iterations` FMAs starting from `start`; returns a checksum so the work cannot be
// dropped (both arguments come from volatile reads: the compiler cannot hoist or fold the loop).
float run_chains(long iterations, float start) {
  Vec c0 = splat(start), c1 = splat(0.2f), c2 = splat(0.3f), c3 = splat(0.4f), c4 = splat(0.5f), c5 = splat(0.6f);
  Vec c6 = splat(0.7f), c7 = splat(0.8f), c8 = splat(0.9f), c9 = splat(1.0f), c10 = splat(1.1f), c11 = splat(1.2f);
  const Vec a = splat(0.999f), b = splat(0.0001f);
  for (long i = 0; i < iterations; ++i) {
    c0 = fma(c0, a, b), c1 = fma(c1, a, b), c2 = fma(c2, a, b), c3 = fma(c3, a, b);
    c4 = fma(c4, a, b), c5 = fma(c5, a, b), c6 = fma(c6, a, b), c7 = fma(c7, a, b);
    c8 = fma(c8, a, b), c9 = fma(c9, a, b), c10 = fma(c10, a, b), c11 = fma(c11, a, b);
  }
  return lane_sum(c0) + lane_sum(c1) + lane_sum(c2) + lane_sum(c3) + lane_sum(c4) + lane_sum(c5) + lane_sum(c6) +
         lane_sum(c7) + lane_sum(c8) + lane_sum(c9) + lane_sum(c10) + lane_sum(c11);
}

}  // namespace

int main() {
  volatile float checksum = 0, start = 0.1f;
  volatile long iterations = kIterations;
  const dg::bench::Timing t = dg::bench::time_repeats(5, 1, [&] { checksum = checksum + run_chains(iterations, start); });
  const double flops = 12.0 * kIterations * kLanes * 2.0;
  std::printf("fma_peak threads=1 min=%.4f median=%.4f unit=s isa=%s gflops_at_min=%.1f gflops_at_median=%.1f\n", t.min_s,
              t.median_s, kIsa, flops / t.min_s * 1e-9, flops / t.median_s * 1e-9);
  return checksum == 12345.0f ? 1 : 0;  // never true; keeps the checksum alive
}
