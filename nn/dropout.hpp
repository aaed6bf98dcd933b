// Dropout<T> (Srivastava et al. 2014, "inverted" form): in training mode each element is kept
// with probability 1 - p and scaled by 1 / (1 - p), else zeroed; in evaluation mode it is the
// identity. The mask is counter-based (Philox): element i of call number c keeps iff word
// i % 4 of philox_block(seed, c, i / 4) is >= p * 2^32. So masks depend only on (seed, call,
// element), never on threads; calls() counts forwards in training mode and can be saved / set.
#pragma once

#include <cstdint>
#include <string>

#include "nn/module.hpp"

namespace dg::nn {

template <class T>
class Dropout : public Layer<T> {
 public:
  Dropout(double p, std::uint64_t seed);

  Var<T> forward(Tape<T>& tape, Var<T> x) override;

  double p() const { return p_; }
  std::uint64_t calls() const { return calls_; }
  void set_calls(std::uint64_t c) { calls_ = c; }
  std::string describe() const override;

 private:
  double p_;
  std::uint64_t seed_;
  std::uint64_t calls_ = 0;
};

extern template class Dropout<float>;
extern template class Dropout<double>;

}  // namespace dg::nn
