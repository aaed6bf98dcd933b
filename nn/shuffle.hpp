// Seeded shuffling: a Fisher-Yates permutation driven by a Philox engine, with an unbiased-enough
// integer draw (the top bits of a 64-bit word times the range, bias < range / 2^64) that is the
// same on every machine and standard library (std::uniform_int_distribution is not).
#pragma once

#include <cstdint>
#include <span>

#include "autodiff/random.hpp"

namespace dg::nn {

// A uniform integer in [0, n) for n >= 1, from two words of the engine.
inline std::uint64_t uniform_index(Philox& rng, std::uint64_t n) {
  const std::uint64_t hi = rng(), lo = rng();
  const std::uint64_t r = (hi << 32) | lo;
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(r) * n) >> 64);
}

// Shuffles `items` in place (Fisher-Yates, from the back).
template <class I>
void shuffle(std::span<I> items, Philox& rng) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(uniform_index(rng, i));
    std::swap(items[i - 1], items[j]);
  }
}

}  // namespace dg::nn
