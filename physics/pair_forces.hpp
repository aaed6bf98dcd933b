// Pair forces with their energies: Coulomb, softened gravity (Plummer), harmonic springs with
// per-pair constants, Lennard-Jones with cutoff and shift. Each is a Force (force.hpp); all pairs
// are summed with the deterministic kernels of pair_kernels.hpp (or the cell list for
// Lennard-Jones), with the minimum image when the boundary is periodic.
//
//   Coulomb       F_i = sum_j k q_i q_j (x_i - x_j) / (r^2 + eps^2)^(3/2),  U = k q_i q_j / sqrt(r^2 + eps^2)
//   Gravity       F_i = -sum_j G m_i m_j (x_i - x_j) / (r^2 + eps^2)^(3/2), U = -G m_i m_j / sqrt(r^2 + eps^2)
//   Springs       F_i = -sum_j K_ij (r - L_ij) (x_i - x_j) / r,             U = K_ij (r - L_ij)^2 / 2
//   LennardJones  U = 4 eps ((s/r)^12 - (s/r)^6) - U(rc) for r < rc, 0 beyond
//
// With eps = 0 (and always for Lennard-Jones, and for springs with a rest length), two particles
// at the same position are refused: PhysicsError names the force and both particles.
// Caps on the total force are not applied here (see cap.hpp and force_model.hpp).
#pragma once

#include "autodiff/tensor.hpp"
#include "physics/boundary.hpp"
#include "physics/cell_list.hpp"
#include "physics/force.hpp"

namespace dg::physics {

// A force made of pair terms; adds the virial for diagnostics.
class PairForce : public Force {
 public:
  // W = sum over pairs i < j of (x_i - x_j) . F_ij (minimum image when periodic): the pair
  // virial of the pressure, P V = N kT + W / d.
  virtual double virial(const Tensor<double>& q) const = 0;
  const Boundary& boundary() const { return boundary_; }

 protected:
  explicit PairForce(const Boundary& b) : boundary_(b) {}
  Boundary boundary_;
};

struct CoulombOptions {
  double k = 1.0;          // Coulomb constant
  double softening = 0.0;  // eps; 0 = the exact law
  Boundary boundary{};
};

class Coulomb final : public PairForce {
 public:
  explicit Coulomb(Tensor<double> charges, CoulombOptions options = {});  // charges (N)
  void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const override;
  double potential_energy(const Tensor<double>& q, double t = 0) const override;
  double virial(const Tensor<double>& q) const override;
  index_t num_particles() const override { return charge_.numel(); }
  const char* name() const override { return "Coulomb"; }

 private:
  Tensor<double> charge_;  // (N)
  CoulombOptions opt_;
};

struct GravityOptions {
  double G = 1.0;
  double softening = 0.0;  // Plummer eps; 0 = Newton's law
  Boundary boundary{};
};

class Gravity final : public PairForce {
 public:
  explicit Gravity(Tensor<double> masses, GravityOptions options = {});  // masses (N) > 0
  void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const override;
  double potential_energy(const Tensor<double>& q, double t = 0) const override;
  double virial(const Tensor<double>& q) const override;
  index_t num_particles() const override { return mass_.numel(); }
  const char* name() const override { return "Gravity"; }

 private:
  Tensor<double> mass_;  // (N)
  GravityOptions opt_;
};

struct SpringOptions {
  Tensor<double> rest_length{};  // (N, N) symmetric, >= 0; empty: all 0 (NRI's springs)
  Boundary boundary{};
};

class Springs final : public PairForce {
 public:
  // K (N, N): symmetric spring constants (the diagonal is ignored); 0 = no spring.
  explicit Springs(Tensor<double> K, SpringOptions options = {});
  void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const override;
  double potential_energy(const Tensor<double>& q, double t = 0) const override;
  double virial(const Tensor<double>& q) const override;
  index_t num_particles() const override { return K_.rows(); }
  const char* name() const override { return "Springs"; }

 private:
  Tensor<double> K_;  // (N, N)
  SpringOptions opt_;
};

// How a short-range force finds its partners. Auto: the cell list from kCellListMin particles on
// (when the box allows 3 cells per side), else all pairs; the choice depends only on N and the box.
enum class PairMethod { Auto, AllPairs, CellList };
inline constexpr index_t kCellListMin = 256;

struct LennardJonesOptions {
  double epsilon = 1.0;
  double sigma = 1.0;
  double cutoff = 2.5;  // rc, in the same units as positions (not in sigmas); > 0
  bool shift = true;    // subtract U(rc) so the energy is continuous at the cutoff
  Boundary boundary{};
  PairMethod method = PairMethod::Auto;
};

class LennardJones final : public PairForce {
 public:
  explicit LennardJones(LennardJonesOptions options = {});
  void add_forces(const Tensor<double>& q, const Tensor<double>& v, double t, Tensor<double>& F) const override;
  double potential_energy(const Tensor<double>& q, double t = 0) const override;
  double virial(const Tensor<double>& q) const override;
  index_t num_particles() const override { return -1; }  // any N
  const char* name() const override { return "LennardJones"; }
  // Whether the last call used the cell list (for tests and benchmarks).
  bool used_cell_list() const { return used_cells_; }

 private:
  // Builds the cell list when the method asks for it; false: use all pairs.
  bool prepare_cells(const Tensor<double>& q) const;

  LennardJonesOptions opt_;
  mutable CellList cells_;  // scratch, reused across calls
  mutable bool used_cells_ = false;
};

}  // namespace dg::physics
