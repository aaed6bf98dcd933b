// Timing helpers for benchmarks: run a body several times, report min and median wall time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
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

}  // namespace dg::bench
