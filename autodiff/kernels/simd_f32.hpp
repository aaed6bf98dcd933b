// The float32 vector operations of the row kernel (gemm_rows.hpp), one struct per instruction
// set, and `simd::F32`, the widest one compiled: AVX-512 (__AVX512F__), AVX2 with FMA (__AVX2__
// and __FMA__), NEON (__ARM_NEON, every aarch64 build). DG_HAVE_SIMD_F32 is 0 when none is (the
// x86-64 baseline: SSE2 without FMA, where Eigen's products are as fast as a 4-wide kernel).
// Each struct gives: Vec, kWidth (floats per vector), kRows and kVectors (the kernel's tile: rows
// by vectors, chosen to fill the registers), zero, load, store, load_part / store_part (the first
// `count` floats, 0 < count < kWidth; the rest of the vector is zero), broadcast, add, and fmadd
// (a * b + c with one rounding).
#pragma once

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>

#include <cstring>
#endif

namespace dg::kernels::simd {

#if defined(__AVX512F__)

struct Avx512 {
  using Vec = __m512;
  static constexpr int kWidth = 16, kRows = 6, kVectors = 4;
  static __mmask16 mask(int count) { return static_cast<__mmask16>((1u << count) - 1); }
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static Vec load_part(const float* p, int count) { return _mm512_maskz_loadu_ps(mask(count), p); }
  static void store_part(float* p, Vec v, int count) { _mm512_mask_storeu_ps(p, mask(count), v); }
  static Vec broadcast(float x) { return _mm512_set1_ps(x); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
};
using F32 = Avx512;
#define DG_HAVE_SIMD_F32 1

#elif defined(__AVX2__) && defined(__FMA__)

struct Avx2 {
  using Vec = __m256;
  static constexpr int kWidth = 8, kRows = 6, kVectors = 2;
  static __m256i mask(int count) {  // lane i set when i < count
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec load_part(const float* p, int count) { return _mm256_maskload_ps(p, mask(count)); }
  static void store_part(float* p, Vec v, int count) { _mm256_maskstore_ps(p, mask(count), v); }
  static Vec broadcast(float x) { return _mm256_set1_ps(x); }
  static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
};
using F32 = Avx2;
#define DG_HAVE_SIMD_F32 1

#elif defined(__ARM_NEON)

struct Neon {
  using Vec = float32x4_t;
  static constexpr int kWidth = 4, kRows = 6, kVectors = 4;
  static Vec zero() { return vdupq_n_f32(0.0f); }
  static Vec load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, Vec v) { vst1q_f32(p, v); }
  static Vec load_part(const float* p, int count) {  // no masked loads: through a zeroed buffer
    float buffer[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    std::memcpy(buffer, p, sizeof(float) * static_cast<unsigned>(count));
    return vld1q_f32(buffer);
  }
  static void store_part(float* p, Vec v, int count) {
    float buffer[4];
    vst1q_f32(buffer, v);
    std::memcpy(p, buffer, sizeof(float) * static_cast<unsigned>(count));
  }
  static Vec broadcast(float x) { return vdupq_n_f32(x); }
  static Vec add(Vec a, Vec b) { return vaddq_f32(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return vfmaq_f32(c, a, b); }
};
using F32 = Neon;
#define DG_HAVE_SIMD_F32 1

#else

#define DG_HAVE_SIMD_F32 0

#endif

}  // namespace dg::kernels::simd
