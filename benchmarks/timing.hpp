// Timing helpers for benchmarks: run a body several times, report min and median wall time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace dg::bench {

struct Timing {
  double min_s, median_s;
};

// Calls body() `warmup` times untimed, then `repeats` times timed.
template <class Body>
Timing time_repeats(int repeats, int warmup, Body&& body) {
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
