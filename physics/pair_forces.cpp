// Pair forces: argument checks, the choice of kernel (dimension, metric, all pairs or cell list)
// and the error for coincident particles. The laws are in pair_laws.hpp.
#include "physics/pair_forces.hpp"

#include <cmath>

#include "autodiff/message.hpp"
#include "physics/pair_kernels.hpp"
#include "physics/pair_laws.hpp"
#include "physics/validate.hpp"

namespace dg::physics {

namespace {

using detail::Coincidence;

// Calls body<D>(metric) for the dimension of the positions and the boundary's metric.
template <class Body>
auto with_metric(int d, const Boundary& box, Body&& body) {
  if (box.is_periodic()) {
    detail::PeriodicMetric m{};
    for (int k = 0; k < d; ++k) {
      m.side[k] = box.side(k);
      m.inv_side[k] = 1 / box.side(k);
    }
    return d == 2 ? body.template operator()<2>(m) : body.template operator()<3>(m);
  }
  return d == 2 ? body.template operator()<2>(detail::OpenMetric{}) : body.template operator()<3>(detail::OpenMetric{});
}

// q must be (n, d) with d = 2 or 3 matching the box; F (when given) must have q's shape.
void check_call(const char* where, const Tensor<double>& q, const Tensor<double>* F, index_t n, const Boundary& box) {
  const Shape& s = q.shape();
  if (s.rank != 2 || (s[1] != 2 && s[1] != 3)) fail(where, "positions must be (N, 2) or (N, 3), got " + s.str());
  if (n >= 0 && s[0] != n)
    fail(where, "positions have " + std::to_string(s[0]) + " particles but the force was built for " + std::to_string(n));
  if (box.dim() != 0 && box.dim() != s[1])
    fail(where, "positions are " + std::to_string(s[1]) + "D but the boundary box is " + std::to_string(box.dim()) + "D");
  if (F && F->shape() != s) fail(where, "force array " + F->shape().str() + " does not match positions " + s.str());
}

[[noreturn]] void refuse_coincident(const char* where, const Coincidence& c, const Tensor<double>& q, const char* why) {
  Message os;
  os << "particles " << c.i << " and " << c.j << " coincide (at (";
  for (index_t k = 0; k < q.cols(); ++k) os << (k ? ", " : "") << q(c.i, k);
  os << ")): " << why;
  fail(where, os.str());
}

// F += the pair forces of `law` (through `cells` when given).
template <class Law>
void add_pairs(const Law& law, const Boundary& box, const Tensor<double>& q, Tensor<double>& F, const char* where,
               const char* why, const CellList* cells = nullptr) {
  const Coincidence bad = with_metric(static_cast<int>(q.cols()), box, [&]<int D>(const auto& metric) {
    return cells ? detail::add_cell_pairs<D>(law, metric, *cells, F.data())
                 : detail::add_all_pairs<D>(law, metric, q.data(), q.rows(), F.data());
  });
  if (bad.found()) refuse_coincident(where, bad, q, why);
}

// sum over pairs i < j of f(i, j, r2) (through `cells` when given).
template <class Law, class PairFn>
double sum_pairs(const Law& law, const Boundary& box, const Tensor<double>& q, PairFn f, const char* where,
                 const char* why, const CellList* cells = nullptr) {
  Coincidence bad;
  const double total = with_metric(static_cast<int>(q.cols()), box, [&]<int D>(const auto& metric) {
    return cells ? detail::sum_cell_pairs<D>(metric, *cells, law.singular, f, bad)
                 : detail::sum_over_pairs<D>(metric, q.data(), q.rows(), law.singular, f, bad);
  });
  if (bad.found()) refuse_coincident(where, bad, q, why);
  return total;
}

template <class Law>
double pair_energy(const Law& law, const Boundary& box, const Tensor<double>& q, const char* where, const char* why,
                   const CellList* cells = nullptr) {
  return sum_pairs(law, box, q, [&](index_t i, index_t j, double r2) { return law.energy(i, j, r2); }, where, why, cells);
}

// (x_i - x_j) . F_ij = s r^2 for each pair.
template <class Law>
double pair_virial(const Law& law, const Boundary& box, const Tensor<double>& q, const char* where, const char* why,
                   const CellList* cells = nullptr) {
  return sum_pairs(law, box, q, [&](index_t i, index_t j, double r2) { return law.scale(i, j, r2) * r2; }, where, why,
                   cells);
}

constexpr const char* kNoSoftening = "the softening is 0, so the force is infinite (give distinct positions or a softening > 0)";
constexpr const char* kSpringDirection = "a spring with a rest length has no direction at distance 0";
constexpr const char* kLennardJonesCore = "the Lennard-Jones force is infinite at distance 0";

detail::InverseSquareLaw inverse_square(const Tensor<double>& c, double strength, double eps) {
  return {c.data(), strength, eps * eps, eps == 0.0};
}

}  // namespace

// ---- Coulomb --------------------------------------------------------------------------------

Coulomb::Coulomb(Tensor<double> charges, CoulombOptions options) : PairForce(options.boundary), charge_(std::move(charges)), opt_(options) {
  check_per_particle(charge_, charge_.numel(), "Coulomb", "charge");
  check_finite(opt_.k, "Coulomb", "k");
  check_non_negative(opt_.softening, "Coulomb", "softening");
}

void Coulomb::add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const {
  check_call("Coulomb", q, &F, num_particles(), boundary_);
  add_pairs(inverse_square(charge_, opt_.k, opt_.softening), boundary_, q, F, "Coulomb", kNoSoftening);
}

double Coulomb::potential_energy(const Tensor<double>& q, double) const {
  check_call("Coulomb::potential_energy", q, nullptr, num_particles(), boundary_);
  return pair_energy(inverse_square(charge_, opt_.k, opt_.softening), boundary_, q, "Coulomb::potential_energy", kNoSoftening);
}

double Coulomb::virial(const Tensor<double>& q) const {
  check_call("Coulomb::virial", q, nullptr, num_particles(), boundary_);
  return pair_virial(inverse_square(charge_, opt_.k, opt_.softening), boundary_, q, "Coulomb::virial", kNoSoftening);
}

// ---- Gravity --------------------------------------------------------------------------------

Gravity::Gravity(Tensor<double> masses, GravityOptions options) : PairForce(options.boundary), mass_(std::move(masses)), opt_(options) {
  check_per_particle(mass_, mass_.numel(), "Gravity", "mass", /*positive=*/true);
  check_non_negative(opt_.G, "Gravity", "G");
  check_non_negative(opt_.softening, "Gravity", "softening");
}

void Gravity::add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const {
  check_call("Gravity", q, &F, num_particles(), boundary_);
  add_pairs(inverse_square(mass_, -opt_.G, opt_.softening), boundary_, q, F, "Gravity", kNoSoftening);
}

double Gravity::potential_energy(const Tensor<double>& q, double) const {
  check_call("Gravity::potential_energy", q, nullptr, num_particles(), boundary_);
  return pair_energy(inverse_square(mass_, -opt_.G, opt_.softening), boundary_, q, "Gravity::potential_energy", kNoSoftening);
}

double Gravity::virial(const Tensor<double>& q) const {
  check_call("Gravity::virial", q, nullptr, num_particles(), boundary_);
  return pair_virial(inverse_square(mass_, -opt_.G, opt_.softening), boundary_, q, "Gravity::virial", kNoSoftening);
}

// ---- Springs --------------------------------------------------------------------------------

namespace {

// A (N, N) matrix of finite values, symmetric, optionally >= 0.
void check_pair_matrix(const Tensor<double>& m, index_t n, const char* name, bool non_negative) {
  if (m.shape().rank != 2 || m.rows() != n || m.cols() != n)
    fail("Springs", std::string(name) + " must be (N, N) with N = " + std::to_string(n) + ", got " + m.shape().str());
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j) {
      const double x = m(i, j);
      const std::string at = std::string(name) + "(" + std::to_string(i) + ", " + std::to_string(j) + ")";
      if (!std::isfinite(x)) fail("Springs", at + " is " + std::to_string(x));
      if (non_negative && x < 0) fail("Springs", at + " must be >= 0, got " + std::to_string(x));
      if (x != m(j, i)) fail("Springs", std::string(name) + " must be symmetric: " + at + " = " + std::to_string(x) +
                                             " but the transposed entry is " + std::to_string(m(j, i)));
    }
}

}  // namespace

Springs::Springs(Tensor<double> K, SpringOptions options) : PairForce(options.boundary), K_(std::move(K)), opt_(std::move(options)) {
  if (K_.shape().rank != 2) fail("Springs", "spring constants K must be (N, N), got " + K_.shape().str());
  check_pair_matrix(K_, K_.rows(), "spring constant K", false);
  if (!is_empty(opt_.rest_length)) {
    check_pair_matrix(opt_.rest_length, K_.rows(), "rest length", true);
    // All rest lengths 0: the plain (non-singular) law.
    bool any_rest = false;
    for (index_t i = 0; i < opt_.rest_length.numel(); ++i) any_rest |= opt_.rest_length[i] > 0;
    if (!any_rest) opt_.rest_length = Tensor<double>();
  }
}

namespace {
detail::SpringLaw spring_law(const Tensor<double>& K, const Tensor<double>& rest) {
  const bool has_rest = !is_empty(rest);
  return {K.data(), has_rest ? rest.data() : nullptr, K.rows(), has_rest};
}
}  // namespace

void Springs::add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const {
  check_call("Springs", q, &F, num_particles(), boundary_);
  add_pairs(spring_law(K_, opt_.rest_length), boundary_, q, F, "Springs", kSpringDirection);
}

double Springs::potential_energy(const Tensor<double>& q, double) const {
  check_call("Springs::potential_energy", q, nullptr, num_particles(), boundary_);
  return pair_energy(spring_law(K_, opt_.rest_length), boundary_, q, "Springs::potential_energy", kSpringDirection);
}

double Springs::virial(const Tensor<double>& q) const {
  check_call("Springs::virial", q, nullptr, num_particles(), boundary_);
  return pair_virial(spring_law(K_, opt_.rest_length), boundary_, q, "Springs::virial", kSpringDirection);
}

// ---- Lennard-Jones ----------------------------------------------------------------------------

LennardJones::LennardJones(LennardJonesOptions options) : PairForce(options.boundary), opt_(options) {
  check_positive(opt_.epsilon, "LennardJones", "epsilon");
  check_positive(opt_.sigma, "LennardJones", "sigma");
  check_positive(opt_.cutoff, "LennardJones", "cutoff");
  if (boundary_.is_periodic())
    for (int k = 0; k < boundary_.dim(); ++k)
      if (opt_.cutoff > 0.5 * boundary_.side(k))
        fail("LennardJones", "cutoff " + std::to_string(opt_.cutoff) + " exceeds half the periodic box side " +
                                 std::to_string(boundary_.side(k)) + " (the minimum image would miss partners)");
}

namespace {
detail::LennardJonesLaw lj_law(const LennardJonesOptions& o) {
  const double s2 = o.sigma * o.sigma, rc2 = o.cutoff * o.cutoff;
  const double sr6 = s2 * s2 * s2 / (rc2 * rc2 * rc2);
  return {o.epsilon, s2, rc2, o.shift ? 4.0 * o.epsilon * sr6 * (sr6 - 1.0) : 0.0};
}
}  // namespace

bool LennardJones::prepare_cells(const Tensor<double>& q) const {
  const bool want = opt_.method == PairMethod::CellList || (opt_.method == PairMethod::Auto && q.rows() >= kCellListMin);
  used_cells_ = want && cells_.build(q, boundary_, opt_.cutoff);
  return used_cells_;
}

void LennardJones::add_forces(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& F) const {
  check_call("LennardJones", q, &F, -1, boundary_);
  add_pairs(lj_law(opt_), boundary_, q, F, "LennardJones", kLennardJonesCore, prepare_cells(q) ? &cells_ : nullptr);
}

double LennardJones::potential_energy(const Tensor<double>& q, double) const {
  check_call("LennardJones::potential_energy", q, nullptr, -1, boundary_);
  return pair_energy(lj_law(opt_), boundary_, q, "LennardJones::potential_energy", kLennardJonesCore,
                     prepare_cells(q) ? &cells_ : nullptr);
}

double LennardJones::virial(const Tensor<double>& q) const {
  check_call("LennardJones::virial", q, nullptr, -1, boundary_);
  return pair_virial(lj_law(opt_), boundary_, q, "LennardJones::virial", kLennardJonesCore,
                     prepare_cells(q) ? &cells_ : nullptr);
}

}  // namespace dg::physics
