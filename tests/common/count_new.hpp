// Replaces the global operator new/delete with malloc/free and counts every operator new call,
// for the tests that prove a steady-state loop allocates nothing. Include it in exactly one file
// of a test program (it defines the replacements), then read dg::test::new_calls() around the loop.
#pragma once

#include <atomic>
#include <cstdlib>
#include <new>

namespace dg::test {
inline std::atomic<long> g_new_calls{0};
inline long new_calls() { return g_new_calls.load(std::memory_order_relaxed); }
}  // namespace dg::test

// GCC 12 cannot see that the replaced operator new and delete are a matched malloc/free pair
// and warns -Wmismatched-new-delete where they are inlined into library code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  dg::test::g_new_calls.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
