// Boundaries: ONE object, applied after every position update, that also tells pair forces how
// to measure distances.
//
//   open        nothing happens; distances are plain.
//   reflecting  walls at lo and hi, exactly as NRI's simulator: x > hi: x = 2 hi - x, v = -|v|;
//               x < lo: x = 2 lo - x, v = |v| (per component). A particle that is still outside
//               after one reflection (it crossed more than a box width in one step) is an error.
//   periodic    positions wrap into [lo, hi); pair distances use the minimum image.
//
// Integrators call `boundary(q, v)` (= apply) after each drift, or hold as_function().
#pragma once

#include <array>
#include <functional>

#include "autodiff/tensor.hpp"

namespace dg::physics {

enum class BoundaryKind { Open, Reflecting, Periodic };

class Boundary {
 public:
  Boundary() = default;  // open
  static Boundary open() { return Boundary(); }
  // Walls at [lo_k, hi_k] in each of the d dimensions.
  static Boundary reflecting(int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi);
  // NRI's box: walls at -half_width and +half_width in every dimension.
  static Boundary reflecting(int d, double half_width);
  // Periodic box [lo_k, hi_k) per dimension.
  static Boundary periodic(int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi);
  // Periodic cube [0, side)^d.
  static Boundary periodic(int d, double side);

  BoundaryKind kind() const { return kind_; }
  bool is_periodic() const { return kind_ == BoundaryKind::Periodic; }
  int dim() const { return dim_; }  // 0 for open (any d)
  double lo(int k) const { return lo_[k]; }
  double hi(int k) const { return hi_[k]; }
  double side(int k) const { return hi_[k] - lo_[k]; }

  // Applies the boundary to q (N, d) and v (N, d) in place (v may be empty for periodic).
  // Throws PhysicsError if d does not match the box, or a particle left a reflecting box by more
  // than its width (naming the particle).
  void apply(Tensor<double>& q, Tensor<double>& v) const;
  void operator()(Tensor<double>& q, Tensor<double>& v) const { apply(q, v); }  // integrators call this
  std::function<void(Tensor<double>&, Tensor<double>&)> as_function() const;

  // out (d) = a - b, with the minimum image when periodic.
  void displacement(const double* a, const double* b, int d, double* out) const;

 private:
  static Boundary make(BoundaryKind kind, int d, const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                       const char* where);
  BoundaryKind kind_ = BoundaryKind::Open;
  int dim_ = 0;
  std::array<double, 3> lo_{0, 0, 0}, hi_{0, 0, 0};
};

}  // namespace dg::physics
