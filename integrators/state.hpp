// The state of an integrator run, and the checks made on it.
//
// A state is (q, v, a, t, step, seed). The step counter and the seed are the whole random state:
// the noise of step k is keyed by (seed, k, particle, component) (see integrators/noise.hpp), so
// saving a state and restoring it later continues the same trajectory bit for bit, with any
// number of threads. V is Tensor<T> (plain simulation) or Var<T> (on a tape, differentiable).
//
// Checks: impossible parameters and shapes are refused before a run starts (init), and a NaN or
// Inf in the state stops the run with NonFiniteStateError naming the scheme, step and particle.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>

#include "autodiff/tape.hpp"
#include "integrators/values.hpp"

namespace dg::integrators {

template <class V>
struct State {
  V q;                     // (N, d) positions
  V v;                     // (N, d) velocities (LFMiddle keeps half-step velocities: see langevin.hpp)
  V a;                     // (N, d) accelerations from the force's last evaluation (filled by init)
  double t = 0;            // time
  std::int64_t step = 0;   // steps taken so far; also the noise counter
  std::uint64_t seed = 0;  // noise seed
};

// A plain state from positions and velocities, both (N, d); `a` is allocated (zeros) for init
// to fill. (Build states with this: a default-constructed Tensor cannot be copied.)
template <class T>
State<Tensor<T>> make_state(Tensor<T> q, Tensor<T> v, std::uint64_t seed = 0, double t = 0) {
  State<Tensor<T>> s;
  s.a = Tensor<T>::zeros(q.shape());
  s.q = std::move(q);
  s.v = std::move(v);
  s.t = t;
  s.seed = seed;
  return s;
}

// Whether a value slot holds values (a default Tensor has no storage, an empty Var no node).
template <class V>
bool has_values(const V& x) {
  if constexpr (ValueTraits<V>::on_tape)
    return x.valid();
  else
    return x.data() != nullptr;
}

// A copy of a plain state on a tape: constants, or variables whose gradients can be read after
// backward (Var::grad()). A missing `a` (before init) stays an empty Var.
template <class T>
State<Var<T>> to_tape(Tape<T>& tape, const State<Tensor<T>>& s, bool variables) {
  auto leaf = [&](const Tensor<T>& x) { return variables ? tape.variable(x) : tape.constant(x); };
  State<Var<T>> out;
  out.q = leaf(s.q);
  out.v = leaf(s.v);
  if (has_values(s.a)) out.a = leaf(s.a);
  out.t = s.t;
  out.step = s.step;
  out.seed = s.seed;
  return out;
}

// A plain copy of the values of a tape state.
template <class T>
State<Tensor<T>> to_plain(const State<Var<T>>& s) {
  State<Tensor<T>> out;
  out.q = s.q.to_tensor();
  out.v = s.v.to_tensor();
  if (s.a.valid()) out.a = s.a.to_tensor();
  out.t = s.t;
  out.step = s.step;
  out.seed = s.seed;
  return out;
}

// Thrown when a NaN or Inf appears in the state.
struct NonFiniteStateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- parameter and shape checks (messages: "<scheme>: <what>, got <value>") --------------------

void require_finite(const char* scheme, const char* name, double value);
void require_positive(const char* scheme, const char* name, double value);      // > 0 and finite
void require_non_negative(const char* scheme, const char* name, double value);  // >= 0 and finite
// q and v both (N, d) with N, d >= 1.
void require_state_shapes(const char* scheme, const Shape& q, const Shape& v);
// Masses of N particles: none (all 1), one for all, or one per particle; each > 0 and finite.
void require_masses(const char* scheme, std::span<const double> mass, index_t n);
inline double mass_of(std::span<const double> mass, index_t i) {
  return mass.empty() ? 1.0 : mass[mass.size() == 1 ? 0 : static_cast<std::size_t>(i)];
}

// "<scheme>: non-finite <what> (<value>) at particle <i>, component <c>, after step <step> (t = <t>)".
[[noreturn]] void throw_non_finite(const char* scheme, const char* what, std::int64_t step, double t, index_t particle,
                                   index_t component, double value);

// ---- finite checks -----------------------------------------------------------------------------


// Throws NonFiniteStateError if x (N, d) holds a NaN or Inf.
template <class V>
void check_finite(const char* scheme, const char* what, const V& x, std::int64_t step, double t) {
  if (!has_values(x)) return;
  const Shape& s = shape_of(x);
  const index_t i = first_non_finite(values_of(x), s.numel());
  if (i >= 0) throw_non_finite(scheme, what, step, t, i / s.cols(), i % s.cols(), static_cast<double>(values_of(x)[i]));
}

// The check made after every step: positions, velocities and the last accelerations.
template <class V>
void check_finite(const char* scheme, const State<V>& s) {
  check_finite(scheme, "position", s.q, s.step, s.t);
  check_finite(scheme, "velocity", s.v, s.step, s.t);
  check_finite(scheme, "acceleration (force output)", s.a, s.step, s.t);
}

// Shapes and finiteness of a state before a run.
template <class V>
void require_valid_state(const char* scheme, const State<V>& s) {
  if (!has_values(s.q) || !has_values(s.v)) throw std::invalid_argument(std::string(scheme) + ": the state has no positions or velocities");
  require_state_shapes(scheme, shape_of(s.q), shape_of(s.v));
  if (has_values(s.a) && shape_of(s.a) != shape_of(s.q))
    throw_shape_error(scheme, "accelerations and positions differ in shape", shape_of(s.a), shape_of(s.q));
  require_finite(scheme, "time t", s.t);
  if (s.step < 0) throw std::invalid_argument(std::string(scheme) + ": step counter is negative (" + std::to_string(s.step) + ")");
  check_finite(scheme, "position", s.q, s.step, s.t);
  check_finite(scheme, "velocity", s.v, s.step, s.t);
}

}  // namespace dg::integrators
