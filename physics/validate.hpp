// Input checks shared by the physics layer. Every check throws PhysicsError with a message that
// names the place (the function or force), the array and the first bad particle, so that a NaN
// position or a zero mass is reported where it enters, never as a silently wrong number later.
#pragma once

#include <stdexcept>
#include <string>

#include "autodiff/tensor.hpp"

namespace dg::physics {

// Bad physical input: wrong shapes, NaN/Inf, impossible parameters, coincident particles.
struct PhysicsError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// "where: what".
[[noreturn]] void fail(const std::string& where, const std::string& what);

// x must be (N, d) with d = 2 or 3 (or `rows` rows / `dim` columns when those are >= 0) and finite.
void check_points(const Tensor<double>& x, const std::string& where, const char* name, index_t rows = -1, int dim = -1);
// x must be a vector of n finite values (rank 1, or (n, 1)); strictly positive when `positive`.
void check_per_particle(const Tensor<double>& x, index_t n, const std::string& where, const char* name,
                        bool positive = false);
// A scalar parameter must be finite (and > 0 or >= 0 as asked).
void check_finite(double x, const std::string& where, const char* name);
void check_positive(double x, const std::string& where, const char* name);
void check_non_negative(double x, const std::string& where, const char* name);
// A default-constructed Tensor (no storage; note its rank-0 shape still counts 1 element) or
// one with zero elements: "not given".
inline bool is_empty(const Tensor<double>& t) { return t.numel() == 0 || t.data() == nullptr; }
// Output buffers: gets shape `shape` (reallocated only when the shape differs).
void ensure_shape(Tensor<double>& out, const Shape& shape);

}  // namespace dg::physics
