// normal_tensor: the benchmarks' inputs, scale * N(0, 1) from Philox with the given seed.
#pragma once

#include <cstdint>

#include "autodiff/random.hpp"
#include "autodiff/tensor.hpp"

namespace dg::bench {

inline Tensor<float> normal_tensor(const Shape& s, std::uint64_t seed, double scale) {
  Philox rng(seed);
  Tensor<float> t(s);
  for (index_t i = 0; i < t.numel(); ++i) t[i] = static_cast<float>(scale * rng.normal());
  return t;
}

}  // namespace dg::bench
