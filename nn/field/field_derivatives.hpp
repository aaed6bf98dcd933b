// Derivatives of a learned vector field E(x) (a network x (N, d) -> (N, d), such as a
// NeuralField), computed exactly by the tape: the Jacobian J_ck = dE_c / dx_k at every point, and
// from it the divergence sum_c J_cc and the curl (2D: the scalar dE_y/dx - dE_x/dy; 3D: the
// vector). One forward pass per batch of points with the positions as a variable, then one
// reverse pass per output component c (tape.grad of sum_points E_c, which is dE_c/dx at each point
// because points do not interact). No finite differences.
//
//   auto f = [&](Tape<float>& t, Var<float> x) { return field.forward(t, x); };
//   FieldDerivatives D = field_derivatives<float>(f, grid_points);   // grid_points (P, d) double
//   D.divergence[p], D.curl(p, 0)
//
// Why nn/field: it judges a learned field the way field_metrics does, with tensors and the tape
// only; the physics (what a divergence means for a source) stays with the caller.
#pragma once

#include <functional>

#include "autodiff/tape.hpp"

namespace dg::nn {

struct FieldDerivatives {
  Tensor<double> values;      // (P, d) E(x)
  Tensor<double> jacobian;    // (P, d, d) J(p, c, k) = dE_c / dx_k
  Tensor<double> divergence;  // (P)
  Tensor<double> curl;        // (P, 1) in 2D, (P, 3) in 3D
};

template <class T>
using FieldFunction = std::function<Var<T>(Tape<T>&, Var<T>)>;  // x (N, d) -> E (N, d)

// Evaluates `field` at points (P, d) in batches of `batch` points. Throws std::invalid_argument
// when points is not (P, d) with d = 2 or 3, batch < 1, the field's output is not (N, d), or a point
// is NaN or infinite.
template <class T>
FieldDerivatives field_derivatives(const FieldFunction<T>& field, const Tensor<double>& points, index_t batch = 2048);

// The divergence and curl of a Jacobian (P, d, d) alone (e.g. one from finite differences).
Tensor<double> divergence_of(const Tensor<double>& jacobian);  // (P)
Tensor<double> curl_of(const Tensor<double>& jacobian);        // (P, 1) 2D, (P, 3) 3D

// Physical consistency of a gradient field (whose curl is 0), over the kept points (keep empty:
// all; else (P), 0 drops a point):
//   relative = rms |curl| / rms |J|_F      (the curl against the field's own rate of change)
//   curl_length = rms |curl| * L / rms |E| (against the field's magnitude over a length L, e.g. the
//                                           grid spacing)
// 0 for a gradient field.
struct CurlMeasure {
  double rms_curl = 0, rms_jacobian = 0, rms_field = 0;  // over kept points
  double relative = 0;                                   // rms_curl / rms_jacobian (0 when J = 0)
  double curl_length = 0;                                // rms_curl * L / rms_field (0 when E = 0)
  index_t points = 0;
};
CurlMeasure curl_measure(const FieldDerivatives& d, double length_scale, const std::vector<double>& keep = {});

}  // namespace dg::nn
