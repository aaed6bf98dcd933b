// The error messages of the integrators' checks (kept out of the headers: they are cold code).
#include "integrators/state.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "autodiff/message.hpp"

namespace dg::integrators {

namespace {
[[noreturn]] void refuse(const char* scheme, const char* name, const char* rule, double value) {
  Message msg;
  msg << scheme << ": " << name << " must be " << rule << ", got " << value;
  throw std::invalid_argument(msg.str());
}
}  // namespace

void require_finite(const char* scheme, const char* name, double value) {
  if (!std::isfinite(value)) refuse(scheme, name, "finite", value);
}

void require_positive(const char* scheme, const char* name, double value) {
  if (!(value > 0) || !std::isfinite(value)) refuse(scheme, name, "positive and finite", value);
}

void require_non_negative(const char* scheme, const char* name, double value) {
  if (!(value >= 0) || !std::isfinite(value)) refuse(scheme, name, "non-negative and finite", value);
}

void require_state_shapes(const char* scheme, const Shape& q, const Shape& v) {
  if (q.rank != 2 || q[0] < 1 || q[1] < 1)
    throw_shape_error(scheme, "positions must be (N, d) with N, d >= 1", q);
  if (v != q) throw_shape_error(scheme, "positions and velocities differ in shape", q, v);
}

void require_masses(const char* scheme, std::span<const double> mass, index_t n) {
  if (mass.size() > 1 && static_cast<index_t>(mass.size()) != n) {
    Message msg;
    msg << scheme << ": " << mass.size() << " masses given for " << n << " particles (give one per particle, or one for all)";
    throw std::invalid_argument(msg.str());
  }
  for (std::size_t i = 0; i < mass.size(); ++i) {
    if (mass[i] > 0 && std::isfinite(mass[i])) continue;
    Message msg;
    msg << scheme << ": mass of particle " << i << " must be positive and finite, got " << mass[i];
    throw std::invalid_argument(msg.str());
  }
}

void throw_non_finite(const char* scheme, const char* what, std::int64_t step, double t, index_t particle,
                      index_t component, double value) {
  Message msg;
  msg << scheme << ": non-finite " << what << " (" << value << ") at particle " << particle << ", component " << component;
  if (step == 0)
    msg << ", in the starting state (t = " << t << ")";
  else
    msg << ", after step " << step << " (t = " << t << ")";
  throw NonFiniteStateError(msg.str());
}

}  // namespace dg::integrators
