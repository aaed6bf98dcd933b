// Exact derivatives of a learned field on the tape (field_derivatives.hpp).
#include "nn/field/field_derivatives.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "autodiff/ops.hpp"

namespace dg::nn {

namespace {

void check_jacobian(const Tensor<double>& J, const char* where) {
  const Shape& s = J.shape();
  if (s.rank != 3 || s[1] != s[2] || (s[1] != 2 && s[1] != 3))
    throw std::invalid_argument(std::string(where) + ": the Jacobian " + s.str() + " must be (P, d, d), d = 2 or 3");
}

}  // namespace

template <class T>
FieldDerivatives field_derivatives(const FieldFunction<T>& field, const Tensor<double>& points, index_t batch) {
  if (points.shape().rank != 2 || (points.shape()[1] != 2 && points.shape()[1] != 3))
    throw std::invalid_argument("field_derivatives: points " + points.shape().str() + " must be (P, 2) or (P, 3)");
  if (batch < 1) throw std::invalid_argument("field_derivatives: batch " + std::to_string(batch) + " < 1");
  const index_t P = points.shape()[0], d = points.shape()[1];
  for (index_t k = 0; k < P * d; ++k)
    if (!std::isfinite(points[k]))
      throw std::invalid_argument("field_derivatives: point " + std::to_string(k / d) + " is not finite");
  FieldDerivatives out;
  out.values = Tensor<double>(Shape{P, d});
  out.jacobian = Tensor<double>(Shape{P, d, d});
  Tape<T> tape;
  for (index_t start = 0; start < P; start += batch) {
    const index_t n = std::min(batch, P - start);
    tape.reset();
    Tensor<T> x(Shape{n, d});  // (n, d) this batch's points
    for (index_t k = 0; k < n * d; ++k) x[k] = static_cast<T>(points[start * d + k]);
    const Var<T> xv = tape.variable(x);
    const Var<T> E = field(tape, xv);  // (n, d)
    if (E.shape() != Shape{n, d})
      throw std::invalid_argument("field_derivatives: the field returned " + E.shape().str() + " for points " +
                                  x.shape().str());
    for (index_t k = 0; k < n * d; ++k) out.values[start * d + k] = static_cast<double>(E.data()[k]);
    for (index_t c = 0; c < d; ++c) {
      // sum over points of E_c: its gradient at point p is dE_c(x_p)/dx_p (points do not interact).
      const Var<T> g = tape.grad(sum(slice(E, 1, c, 1)), xv, false);  // (n, d)
      for (index_t p = 0; p < n; ++p)
        for (index_t k = 0; k < d; ++k)
          out.jacobian[((start + p) * d + c) * d + k] = static_cast<double>(g.data()[p * d + k]);
    }
  }
  out.divergence = divergence_of(out.jacobian);
  out.curl = curl_of(out.jacobian);
  return out;
}

Tensor<double> divergence_of(const Tensor<double>& J) {
  check_jacobian(J, "divergence_of");
  const index_t P = J.shape()[0], d = J.shape()[1];
  Tensor<double> div = Tensor<double>::zeros(Shape{P});
  for (index_t p = 0; p < P; ++p)
    for (index_t c = 0; c < d; ++c) div[p] += J[(p * d + c) * d + c];
  return div;
}

Tensor<double> curl_of(const Tensor<double>& J) {
  check_jacobian(J, "curl_of");
  const index_t P = J.shape()[0], d = J.shape()[1];
  auto at = [&](index_t p, index_t c, index_t k) { return J[(p * d + c) * d + k]; };
  Tensor<double> curl(Shape{P, d == 2 ? 1 : 3});
  for (index_t p = 0; p < P; ++p) {
    if (d == 2) {
      curl(p, 0) = at(p, 1, 0) - at(p, 0, 1);
    } else {
      curl(p, 0) = at(p, 2, 1) - at(p, 1, 2);
      curl(p, 1) = at(p, 0, 2) - at(p, 2, 0);
      curl(p, 2) = at(p, 1, 0) - at(p, 0, 1);
    }
  }
  return curl;
}

CurlMeasure curl_measure(const FieldDerivatives& D, double length_scale, const std::vector<double>& keep) {
  const index_t P = D.values.shape()[0], d = D.values.shape()[1];
  if (!keep.empty() && static_cast<index_t>(keep.size()) != P)
    throw std::invalid_argument("curl_measure: keep has " + std::to_string(keep.size()) + " entries for " +
                                std::to_string(P) + " points");
  if (!(length_scale > 0)) throw std::invalid_argument("curl_measure: length scale must be > 0");
  const index_t cw = D.curl.shape()[1];
  double curl2 = 0, jac2 = 0, field2 = 0;
  CurlMeasure m;
  for (index_t p = 0; p < P; ++p) {
    if (!keep.empty() && keep[static_cast<std::size_t>(p)] == 0) continue;
    ++m.points;
    for (index_t c = 0; c < cw; ++c) curl2 += D.curl(p, c) * D.curl(p, c);
    for (index_t k = 0; k < d * d; ++k) jac2 += D.jacobian[p * d * d + k] * D.jacobian[p * d * d + k];
    for (index_t c = 0; c < d; ++c) field2 += D.values(p, c) * D.values(p, c);
  }
  if (m.points == 0) return m;
  const double n = static_cast<double>(m.points);
  m.rms_curl = std::sqrt(curl2 / n), m.rms_jacobian = std::sqrt(jac2 / n), m.rms_field = std::sqrt(field2 / n);
  m.relative = m.rms_jacobian > 0 ? m.rms_curl / m.rms_jacobian : 0.0;
  m.curl_length = m.rms_field > 0 ? m.rms_curl * length_scale / m.rms_field : 0.0;
  return m;
}

template FieldDerivatives field_derivatives<float>(const FieldFunction<float>&, const Tensor<double>&, index_t);
template FieldDerivatives field_derivatives<double>(const FieldFunction<double>&, const Tensor<double>&, index_t);

}  // namespace dg::nn
