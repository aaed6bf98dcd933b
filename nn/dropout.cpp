// Dropout: the counter-based keep mask, written into a constant node, times the input.
#include "nn/dropout.hpp"

#include <cmath>
#include <stdexcept>

#include "autodiff/message.hpp"
#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"

namespace dg::nn {

template <class T>
Dropout<T>::Dropout(double p, std::uint64_t seed) : p_(p), seed_(seed) {
  if (!(p >= 0 && p <= 1)) throw std::invalid_argument("Dropout: p must be in [0, 1], got " + std::to_string(p));
}

template <class T>
Var<T> Dropout<T>::forward(Tape<T>& tape, Var<T> x) {
  if (!x.valid()) throw std::invalid_argument("Dropout: empty input Var");
  if (!this->training() || p_ == 0) return x;
  const std::uint64_t call = calls_++;
  const index_t n = x.numel();
  // (shape of x) mask of 0 and 1 / (1 - p), in a fresh constant node of the tape.
  const T kept = p_ < 1 ? static_cast<T>(1.0 / (1.0 - p_)) : T(0);
  // Keep iff word >= p 2^32 (computed in 64 bits so that p = 1 drops everything).
  const std::uint64_t threshold = static_cast<std::uint64_t>(std::ldexp(p_, 32));
  Var<T> mask = tape.constant_written(x.shape(), [&](T* m) {
    parallel_for(n, n * 4, [&](index_t lo, index_t hi) {
      PhiloxWords w{};
      for (index_t i = lo; i < hi; ++i) {
        if (i == lo || i % 4 == 0) {  // one block serves four elements
          const auto block = static_cast<std::uint64_t>(i / 4);
          w = philox_block(seed_, call, static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32));
        }
        m[i] = std::uint64_t{w[static_cast<std::size_t>(i % 4)]} >= threshold ? kept : T(0);
      }
    });
  });
  return x * mask;
}

template <class T>
std::string Dropout<T>::describe() const {
  Message s;
  s << "Dropout(p=" << p_ << ")";
  return s.str();
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace dg::nn
