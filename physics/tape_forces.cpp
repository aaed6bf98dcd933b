// Pair forces, fields and caps as tape ops (see tape_forces.hpp).
#include "physics/tape_forces.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "physics/validate.hpp"

namespace dg::physics {

PairList PairList::all_pairs(index_t n, index_t batch) {
  if (n < 1 || batch < 1 || n * batch > std::numeric_limits<std::int32_t>::max())
    fail("PairList::all_pairs", "needs n >= 1 particles and batch >= 1 systems within int32 rows, got n = " +
                                    std::to_string(n) + ", batch = " + std::to_string(batch));
  PairList p;
  p.n = n;
  p.batch = batch;
  p.target.reserve(static_cast<std::size_t>(batch * n * (n - 1)));
  p.source.reserve(p.target.capacity());
  for (index_t b = 0; b < batch; ++b)
    for (index_t i = 0; i < n; ++i)
      for (index_t j = 0; j < n; ++j)
        if (i != j) {
          p.target.push_back(static_cast<std::int32_t>(b * n + i));
          p.source.push_back(static_cast<std::int32_t>(b * n + j));
        }
  return p;
}

template <class T>
Tensor<T> PairList::pair_values(const Tensor<double>& K) const {
  if (K.shape().rank != 2 || K.rows() != n || K.cols() != n)
    fail("PairList::pair_values", "matrix must be (n, n) with n = " + std::to_string(n) + ", got " + K.shape().str());
  Tensor<T> out(Shape{size(), 1});  // (E, 1)
  for (index_t e = 0; e < size(); ++e) out[e] = static_cast<T>(K(target[e] % n, source[e] % n));
  return out;
}

namespace {

// q must be (M, d) with M = pairs.rows() and d = 2 or 3; per-particle Vars (M, 1).
template <class T>
void check_rows(const char* where, Var<T> q, const PairList& pairs) {
  const Shape& s = q.shape();
  if (s.rank != 2 || (s[1] != 2 && s[1] != 3) || s[0] != pairs.rows())
    fail(where, "positions must be (" + std::to_string(pairs.rows()) + ", 2 or 3) for this pair list, got " + s.str());
}
template <class T>
void check_column(const char* where, Var<T> x, index_t rows, const char* name) {
  if (x.shape().rank != 2 || x.rows() != rows || x.cols() != 1)
    fail(where, std::string(name) + " must be (" + std::to_string(rows) + ", 1), got " + x.shape().str());
}

// Throws if some row of r2 (E, 1) is zero, naming both ends (system and particle numbers).
template <class T>
void refuse_zero_distance(const char* where, Var<T> r2, const PairList& pairs, const char* why) {
  for (index_t e = 0; e < pairs.size(); ++e)
    if (r2[e] == T(0)) {
      const index_t i = pairs.target[static_cast<std::size_t>(e)], j = pairs.source[static_cast<std::size_t>(e)];
      fail(where, "particles " + std::to_string(i % pairs.n) + " and " + std::to_string(j % pairs.n) + " of system " +
                      std::to_string(i / pairs.n) + " coincide: " + why);
    }
}

// (E, d) x_i - x_j and (E, 1) |x_i - x_j|^2 over the pairs.
template <class T>
std::pair<Var<T>, Var<T>> pair_displacements(Var<T> q, const PairList& pairs) {
  Var<T> dx = gather_rows(q, std::span<const std::int32_t>(pairs.target)) -
              gather_rows(q, std::span<const std::int32_t>(pairs.source));
  return {dx, row_dot(dx, dx)};
}

constexpr const char* kSingular = "the softening is 0, so the force is infinite";

// The pieces of the inverse-square law over the pairs: dx (E, d), r^2 + eps^2 (E, 1) and the
// coupling products c_i c_j (E, 1), after the argument checks.
template <class T>
struct InverseSquarePairs {
  Var<T> dx, u, cc;
};
template <class T>
InverseSquarePairs<T> inverse_square_pairs(const char* where, Var<T> q, Var<T> coupling, const PairList& pairs,
                                           double softening) {
  check_rows(where, q, pairs);
  check_column(where, coupling, pairs.rows(), "coupling (charges or masses)");
  check_non_negative(softening, where, "softening");
  auto [dx, r2] = pair_displacements(q, pairs);
  if (softening == 0) refuse_zero_distance(where, r2, pairs, kSingular);
  Var<T> cc = gather_rows(coupling, std::span<const std::int32_t>(pairs.target)) *
              gather_rows(coupling, std::span<const std::int32_t>(pairs.source));
  return {dx, r2 + softening * softening, cc};
}

}  // namespace

template <class T>
Var<T> inverse_square_forces(Var<T> q, Var<T> coupling, const PairList& pairs, double strength, double softening) {
  const auto p = inverse_square_pairs("inverse_square_forces", q, coupling, pairs, softening);
  // s = strength c_i c_j (r^2 + eps^2)^(-3/2), (E, 1); F_i = sum_j s dx.
  Var<T> s = pow(p.u, -1.5) * p.cc * strength;
  return segment_sum(p.dx * s, std::span<const std::int32_t>(pairs.target), pairs.rows());
}

template <class T>
Var<T> inverse_square_energy(Var<T> q, Var<T> coupling, const PairList& pairs, double strength, double softening) {
  const auto p = inverse_square_pairs("inverse_square_energy", q, coupling, pairs, softening);
  // Each unordered pair appears twice in the list.
  return sum(pow(p.u, -0.5) * p.cc) * (0.5 * strength);
}

template <class T>
Var<T> spring_forces(Var<T> q, Var<T> K, const PairList& pairs, Var<T> rest_length) {
  const char* where = "spring_forces";
  check_rows(where, q, pairs);
  check_column(where, K, pairs.size(), "spring constants K (per pair)");
  auto [dx, r2] = pair_displacements(q, pairs);
  Var<T> s = -K;  // (E, 1)
  if (rest_length.valid()) {
    check_column(where, rest_length, pairs.size(), "rest lengths (per pair)");
    refuse_zero_distance(where, r2, pairs, "a spring with a rest length has no direction at distance 0");
    s = s * (1.0 - rest_length / sqrt(r2));
  }
  return segment_sum(dx * s, std::span<const std::int32_t>(pairs.target), pairs.rows());
}

template <class T>
Var<T> lennard_jones_forces(Var<T> q, const PairList& pairs, double epsilon, double sigma, double cutoff) {
  const char* where = "lennard_jones_forces";
  check_rows(where, q, pairs);
  check_positive(epsilon, where, "epsilon");
  check_positive(sigma, where, "sigma");
  check_positive(cutoff, where, "cutoff");
  auto [dx, r2] = pair_displacements(q, pairs);
  refuse_zero_distance(where, r2, pairs, "the Lennard-Jones force is infinite at distance 0");
  // s = 24 eps / r^2 (2 (sigma/r)^12 - (sigma/r)^6) inside the cutoff, 0 beyond (mask has no gradient).
  Var<T> inv_r2 = pow(r2, -1.0);
  Var<T> s6 = pow(inv_r2 * (sigma * sigma), 3.0);
  Var<T> inside = mask(r2, -1.0, cutoff * cutoff);
  Var<T> s = inv_r2 * s6 * (2.0 * s6 - 1.0) * inside * (24.0 * epsilon);
  return segment_sum(dx * s, std::span<const std::int32_t>(pairs.target), pairs.rows());
}

template <class T>
Var<T> source_field(Var<T> points, const Tensor<double>& sources, const Tensor<double>& c, double strength,
                    double softening) {
  const char* where = "source_field";
  check_points(sources, where, "source positions");
  check_per_particle(c, sources.rows(), where, "source strength");
  check_non_negative(softening, where, "softening");
  const Shape& s = points.shape();
  const index_t P = s[0], S = sources.rows(), d = sources.cols();
  if (s.rank != 2 || s[1] != d) fail(where, "points must be (P, " + std::to_string(d) + "), got " + s.str());
  // Row p * S + s pairs point p with source s: the point gathered, the source a constant.
  std::vector<std::int32_t> point_of(static_cast<std::size_t>(P * S));  // (P S)
  Tensor<T> xs(Shape{P * S, d}), cs(Shape{P * S, 1});                    // (P S, d), (P S, 1)
  for (index_t p = 0; p < P; ++p)
    for (index_t k = 0; k < S; ++k) {
      point_of[static_cast<std::size_t>(p * S + k)] = static_cast<std::int32_t>(p);
      for (index_t c2 = 0; c2 < d; ++c2) xs(p * S + k, c2) = static_cast<T>(sources(k, c2));
      cs[p * S + k] = static_cast<T>(c[k]);
    }
  Tape<T>& tape = *points.tape;
  Var<T> dx = gather_rows(points, std::span<const std::int32_t>(point_of)) - tape.constant(xs);
  Var<T> r2 = row_dot(dx, dx);
  if (softening == 0)
    for (index_t e = 0; e < P * S; ++e)
      if (r2[e] == T(0))
        fail(where, "point " + std::to_string(e / S) + " coincides with source " + std::to_string(e % S) +
                        " and the softening is 0: the field is infinite there");
  Var<T> w = pow(r2 + softening * softening, -1.5) * tape.constant(cs) * strength;
  return segment_sum(dx * w, std::span<const std::int32_t>(point_of), P);
}

template <class T>
Var<T> source_forces(Var<T> q, Var<T> charges, const Tensor<double>& sources, const Tensor<double>& source_charges,
                     double k, double softening) {
  check_column("source_forces", charges, q.rows(), "charges");
  return source_field(q, sources, source_charges, k, softening) * charges;
}

template <class T>
Var<T> uniform_field_forces(Var<T> coupling, const Tensor<double>& E) {
  if (E.shape().rank != 1 || (E.numel() != 2 && E.numel() != 3))
    fail("uniform_field_forces", "field must be a vector of 2 or 3 values, got " + E.shape().str());
  check_column("uniform_field_forces", coupling, coupling.rows(), "coupling");
  Tensor<T> row(Shape{1, E.numel()});  // (1, d)
  for (index_t k = 0; k < E.numel(); ++k) row[k] = static_cast<T>(E[k]);
  return coupling * coupling.tape->constant(row);
}

template <class T>
Var<T> magnetic_forces(Var<T> v, Var<T> charges, const Tensor<double>& B) {
  const char* where = "magnetic_forces";
  const index_t d = B.numel() == 1 ? 2 : 3;
  if (B.numel() != 1 && B.numel() != 3) fail(where, "B must hold 3 values (3D) or 1 (2D, along z), got " + B.shape().str());
  if (v.shape().rank != 2 || v.cols() != d) fail(where, "velocities must be (M, " + std::to_string(d) + "), got " + v.shape().str());
  check_column(where, charges, v.rows(), "charges");
  // v x B = v M with M the (d, d) matrix of the cross product.
  Tensor<T> M = Tensor<T>::zeros(Shape{d, d});
  if (d == 2) {
    M(1, 0) = static_cast<T>(B[0]);
    M(0, 1) = static_cast<T>(-B[0]);
  } else {
    M(1, 0) = static_cast<T>(B[2]), M(2, 0) = static_cast<T>(-B[1]);
    M(0, 1) = static_cast<T>(-B[2]), M(2, 1) = static_cast<T>(B[0]);
    M(0, 2) = static_cast<T>(B[1]), M(1, 2) = static_cast<T>(-B[0]);
  }
  return matmul(v, v.tape->constant(M)) * charges;
}

template <class T>
Var<T> capped(Var<T> F, const ForceCap& cap) {
  if (cap.kind == CapKind::None) return F;
  check_positive(cap.limit, "capped", "cap limit");
  if (cap.kind == CapKind::PerComponent) return clamp(F, -cap.limit, cap.limit);
  // F * L / max(|F|, L), written without a division by |F| (finite at F = 0).
  Var<T> excess = relu(row_norm(F) - cap.limit);  // (M, 1)
  return F * (pow(excess + cap.limit, -1.0) * cap.limit);
}

template <class T>
Var<T> accelerations(Var<T> F, Var<T> masses) {
  check_column("accelerations", masses, F.rows(), "masses");
  for (index_t i = 0; i < masses.rows(); ++i)
    if (!(masses[i] > T(0))) fail("accelerations", "mass of particle " + std::to_string(i) + " must be > 0");
  return F / masses;
}

#define DG_PHYSICS_TAPE(T)                                                                                       \
  template Tensor<T> PairList::pair_values<T>(const Tensor<double>&) const;                                     \
  template Var<T> inverse_square_forces(Var<T>, Var<T>, const PairList&, double, double);                      \
  template Var<T> inverse_square_energy(Var<T>, Var<T>, const PairList&, double, double);                      \
  template Var<T> spring_forces(Var<T>, Var<T>, const PairList&, Var<T>);                                      \
  template Var<T> lennard_jones_forces(Var<T>, const PairList&, double, double, double);                       \
  template Var<T> source_field(Var<T>, const Tensor<double>&, const Tensor<double>&, double, double);          \
  template Var<T> source_forces(Var<T>, Var<T>, const Tensor<double>&, const Tensor<double>&, double, double); \
  template Var<T> uniform_field_forces(Var<T>, const Tensor<double>&);                                         \
  template Var<T> magnetic_forces(Var<T>, Var<T>, const Tensor<double>&);                                      \
  template Var<T> capped(Var<T>, const ForceCap&);                                                             \
  template Var<T> accelerations(Var<T>, Var<T>);
DG_PHYSICS_TAPE(float)
DG_PHYSICS_TAPE(double)
#undef DG_PHYSICS_TAPE

}  // namespace dg::physics
