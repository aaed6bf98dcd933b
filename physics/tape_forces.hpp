// The pair forces, fields and caps of physics/ as ops on the tape (autodiff/), so that a loss can
// be differentiated through a rollout: with respect to positions, velocities, charges or masses
// given as Var, and through them to the parameters of a learned model.
//
// Layout: a batch of B systems of n particles is stacked into M = B n rows; q, v (M, d), per-
// particle values (M, 1). A PairList holds the E = B n (n - 1) ordered pairs (i, j), i != j, of
// each system (no pairs across systems). Each force is built from tape ops: gather_rows of both
// ends, sub, row_dot, pow, mul, segment_sum over the targets; values agree with the plain-array
// versions (pair_forces.hpp, point_sources.hpp, uniform_fields.hpp, cap.hpp) to round-off.
//
//   PairList pairs = PairList::all_pairs(5, 100);                 // 100 systems of 5 particles
//   Var<T> F = coulomb_forces(q, charges, pairs);                 // (500, d)
//   F = F + source_forces(q, charges, sources, source_charges);   // Aether's field
//   Var<T> a = accelerations(capped(F, ForceCap::norm(100)), masses);
//
// Coincident particles (or a particle on a source) with zero softening throw PhysicsError naming
// them, as the plain versions do. Periodic boundaries are not supported here (open space only).
#pragma once

#include <cstdint>
#include <vector>

#include "autodiff/ops.hpp"
#include "physics/cap.hpp"

namespace dg::physics {

struct PairList {
  std::vector<std::int32_t> target;  // (E) i: the particle the pair force acts on
  std::vector<std::int32_t> source;  // (E) j
  index_t n = 0;                     // particles per system
  index_t batch = 0;                 // systems
  index_t rows() const { return n * batch; }
  index_t size() const { return static_cast<index_t>(target.size()); }

  // All ordered pairs within each of `batch` systems of n particles, targets in increasing order.
  static PairList all_pairs(index_t n, index_t batch = 1);
  // (E, 1) per-pair values K(i mod n, j mod n) of an (n, n) matrix (spring constants, rest lengths).
  template <class T>
  Tensor<T> pair_values(const Tensor<double>& K) const;
};

// Inverse-square law: F_i = strength sum_j c_i c_j (x_i - x_j) / (r^2 + eps^2)^(3/2).
// q (M, d), coupling (M, 1) -> (M, d).
template <class T>
Var<T> inverse_square_forces(Var<T> q, Var<T> coupling, const PairList& pairs, double strength, double softening);
template <class T>
Var<T> coulomb_forces(Var<T> q, Var<T> charges, const PairList& pairs, double k = 1.0, double softening = 0.0) {
  return inverse_square_forces(q, charges, pairs, k, softening);
}
template <class T>
Var<T> gravity_forces(Var<T> q, Var<T> masses, const PairList& pairs, double G = 1.0, double softening = 0.0) {
  return inverse_square_forces(q, masses, pairs, -G, softening);
}
// Its energy, sum over unordered pairs of strength c_i c_j / sqrt(r^2 + eps^2): a scalar.
template <class T>
Var<T> inverse_square_energy(Var<T> q, Var<T> coupling, const PairList& pairs, double strength, double softening);

// Springs F_i = -sum_j K_ij (r - L_ij) (x_i - x_j) / r; K, L (E, 1) per pair (PairList::pair_values);
// an invalid (empty) rest length means L = 0 (NRI's law, no division by r).
template <class T>
Var<T> spring_forces(Var<T> q, Var<T> K, const PairList& pairs, Var<T> rest_length = Var<T>());

// Lennard-Jones with cutoff rc (forces are the truncated ones; open space).
template <class T>
Var<T> lennard_jones_forces(Var<T> q, const PairList& pairs, double epsilon, double sigma, double cutoff);

// The field of fixed point sources at `points` (P, d): strength sum_s c_s (x - x_s) /
// (|x - x_s|^2 + eps^2)^(3/2), sources (S, d) and c (S) plain arrays -> (P, d).
template <class T>
Var<T> source_field(Var<T> points, const Tensor<double>& sources, const Tensor<double>& c, double strength,
                    double softening);
// Forces of fixed charges on particles of charge `charges` (M, 1): charges * field (k = strength).
template <class T>
Var<T> source_forces(Var<T> q, Var<T> charges, const Tensor<double>& sources, const Tensor<double>& source_charges,
                     double k = 1.0, double softening = 0.0);
// coupling (M, 1) times a uniform field E (d) -> (M, d).
template <class T>
Var<T> uniform_field_forces(Var<T> coupling, const Tensor<double>& E);
// q_i v_i x B: v (M, d), charges (M, 1), B (3) in 3D or (1) along z in 2D -> (M, d).
template <class T>
Var<T> magnetic_forces(Var<T> v, Var<T> charges, const Tensor<double>& B);

// The cap on each row's total force (cap.hpp): clamp per component, or F * L / max(|F|, L).
template <class T>
Var<T> capped(Var<T> F, const ForceCap& cap);
// F (M, d) / masses (M, 1).
template <class T>
Var<T> accelerations(Var<T> F, Var<T> masses);

}  // namespace dg::physics
