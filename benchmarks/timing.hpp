// Timing helpers for benchmarks: run a body several times, report min and median wall time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace dg::bench {

struct Timing {
  double min_s, median_s;
};

// For counting instructions (scripts/qemu_insn_count.sh: a count per step is the difference of two
// runs with different repeats): DG_BENCH_REPEATS=N replaces every benchmark's number of timed
// repeats, and DG_BENCH_ONLY=NAME runs only the benchmark of that name (selected(NAME)).
inline bool selected(const char* name) {
  const char* only = std::getenv("DG_BENCH_ONLY");
  return !only || !*only || std::strcmp(only, name) == 0;
}

// Calls body() `warmup` times untimed, then `repeats` times timed (or $DG_BENCH_REPEATS times).
template <class Body>
Timing time_repeats(int repeats, int warmup, Body&& body) {
  if (const char* r = std::getenv("DG_BENCH_REPEATS"); r && std::atoi(r) > 0) repeats = std::atoi(r);
  for (int i = 0; i < warmup; ++i) body();
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const auto a = std::chrono::steady_clock::now();
    body();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return {t.front(), t[t.size() / 2]};
}

// Argument `position` of the command line as a whole number of at least `min_value`, or
// `fallback` when absent; anything else (--help, 0, 2x) prints the usage line and exits with 2.
inline int int_argument(int argc, char** argv, int position, int fallback, int min_value, const char* usage) {
  if (argc <= position) return fallback;
  char* end = nullptr;
  const long v = std::strtol(argv[position], &end, 10);
  if (end == argv[position] || *end != '\0' || v < min_value || v > 1'000'000) {
    std::fprintf(stderr, "usage: %s\n(argument %d is '%s')\n", usage, position, argv[position]);
    std::exit(2);
  }
  return static_cast<int>(v);
}

}  // namespace dg::bench
