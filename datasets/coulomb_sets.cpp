// The sets of charged particles with NRI's per-component force clip: `charged` (NRI), `nbody`
// (EGNN) and `lorentz` (charges in a uniform magnetic field). One generator class, three settings.
//
// Common to all three (NRI's synthetic_sim.py and the copies EGNN and Aether made of it):
//   charges +-1 (probability 1/2), mass 1, k = 1; positions N(0, position_std^2); velocities of
//   norm 0.5 in a random direction; F_i = sum_j k q_i q_j (x_i - x_j) / (|x_i - x_j|^2 + eps^2)^(3/2)
//   (+ q_i v_i x B for lorentz), each component of the TOTAL force clipped to [-100, 100];
//   dt = 0.001, semi-implicit Euler "v += dt F(x0); then per step x += dt v; [walls]; v += dt F(x)"
//   (SymplecticEuler KickDrift); 5000 steps, a frame every 100: the 49 states after 100, ..., 4900
//   steps. The initial positions pass once through reflecting walls at +-initial_box (NRI's
//   _clamp of the initial state; a no-op unless a draw lies beyond 5).
//
// charged (NRI, Kipf et al. 2018): 2D, reflecting walls at +-5 after every drift (x > 5:
//   x = 10 - x, v = -|v|; x < -5: x = -10 - x, v = |v|); test split 10,000 steps (99 frames);
//   50,000 / 10,000 / 10,000 simulations (default 200 / 50 / 50).
// nbody (EGNN, Satorras et al. 2021, "nbody_small"): 3D, no walls, position_std = (N / 5)^(1/3)
//   (= 1 for 5 particles, as EGNN scales it); the task maps frame 30 to frame 40 (input_frame,
//   target_frame: recorded for loaders, they do not change the data); 3,000 / 2,000 / 2,000
//   simulations (EGNN generated 10,000 training simulations and trained on the first 3,000).
// lorentz (our choice, documented: the "L+ES" set of the ClofNet-style generator kept in Aether's
//   repository, experiments/lorentz): 3D, 20 particles, B = (0.5, 0.5, 0.5), no walls,
//   softening eps^2 = 1e-6 (its distance has "+ 1e-6"), position_std = (N / 5)^(1/3);
//   3,000 / 2,000 / 2,000 simulations (default 100 / 20 / 20).
// Differences from the published code: Philox random numbers, float64 data.
#include <cmath>

#include "datasets/builtin.hpp"
#include "datasets/simulation.hpp"
#include "physics/physics.hpp"

namespace dg::datasets {

namespace {

struct Setting {
  const char* name;
  const char* summary;
  SizeDefaults sizes;
  int dim;
  double walls;         // half-width of the reflecting walls; 0: open space
  bool spread_with_n;   // position_std *= (N / 5)^(1/3)
  double softening;
  bool magnetic;
  bool task_frames;     // input_frame / target_frame parameters (EGNN)
};

class CoulombSet final : public Generator {
 public:
  explicit CoulombSet(const Setting& s) : s_(s) {}
  std::string name() const override { return s_.name; }
  std::string summary() const override { return s_.summary; }

  std::vector<ParamSpec> param_specs() const override {
    std::vector<ParamSpec> s = common_specs(s_.sizes);
    s.push_back(int_param("dim", s_.dim, "spatial dimension", 2, 3));
    s.push_back(real_param("box", s_.walls, "reflecting walls at +-box after every drift (0: none)", 0.0, 1e6));
    s.push_back(real_param("initial_box", 5.0, "initial positions reflected once into [-initial_box, initial_box] (0: not)",
                           0.0, 1e6));
    s.push_back(positive_param("coulomb_k", 1.0, "Coulomb constant k"));
    s.push_back(real_param("softening", s_.softening, "eps in (r^2 + eps^2)^(3/2)", 0.0, 1e6));
    s.push_back(positive_param("force_cap", 100.0, "each component of the total force is clipped to +-force_cap"));
    s.push_back(real_param("position_std", 1.0,
                           s_.spread_with_n ? "initial positions N(0, (position_std (N/5)^(1/3))^2)"
                                            : "initial positions N(0, position_std^2)",
                           0.0, 1e6));
    s.push_back(real_param("speed", 0.5, "initial speed (random direction)", 0.0, 1e6));
    if (s_.magnetic)
      for (const char* c : {"magnetic_x", "magnetic_y", "magnetic_z"})
        s.push_back(real_param(c, 0.5, "uniform magnetic field component (force q v x B)", -1e6, 1e6));
    if (s_.task_frames) {
      s.push_back(int_param("input_frame", 30, "the task's input frame (for loaders)", 0, 1 << 30));
      s.push_back(int_param("target_frame", 40, "the task's target frame (for loaders)", 0, 1 << 30));
    }
    return s;
  }

  void validate(const Params& p) const override {
    Generator::validate(p);
    if (s_.magnetic && p.integer("dim") != 3) throw DatasetError(name() + ": the magnetic field needs dim = 3");
    if (s_.task_frames) {
      const std::int64_t frames = frame_count(p.integer("steps"), p.integer("every"));
      for (const char* key : {"input_frame", "target_frame"})
        if (p.integer(key) >= frames)
          throw DatasetError(name() + ": " + key + " = " + std::to_string(p.integer(key)) + " but the runs keep only " +
                             std::to_string(frames) + " frames");
    }
  }

  SplitLayout layout(const Params& p, Split split) const override {
    return particle_layout(p, split, /*charges=*/true);
  }

  void simulate(const Params& p, Split split, std::int64_t index, const SimulationRecord& out) const override {
    const index_t n = p.integer("particles");
    const int d = static_cast<int>(p.integer("dim"));
    double spread = p.real("position_std");
    if (s_.spread_with_n) spread *= std::cbrt(static_cast<double>(n) / 5.0);
    // Initial draws in this order: charges, positions, velocity directions.
    Philox rng = simulation_rng(static_cast<std::uint64_t>(p.integer("seed")), split, index);
    Tensor<double> charges = draw_signs(rng, n);
    Tensor<double> q = draw_normal(rng, n, d, spread);
    Tensor<double> v = draw_directions(rng, n, d, p.real("speed"));
    const Tensor<double> masses = Tensor<double>::full(Shape{n}, 1.0);
    store(charges, out.charges);
    store(masses, out.masses);
    if (p.real("initial_box") > 0) physics::Boundary::reflecting(d, p.real("initial_box")).apply(q, v);

    physics::ForceModel model(masses);
    model.add(physics::Coulomb(charges, {.k = p.real("coulomb_k"), .softening = p.real("softening")}));
    if (s_.magnetic)
      model.add(physics::MagneticField(
          Tensor<double>(Shape{3}, {p.real("magnetic_x"), p.real("magnetic_y"), p.real("magnetic_z")}), charges));
    model.set_cap(physics::ForceCap::per_component(p.real("force_cap")));

    const integrators::SymplecticEuler scheme{.dt = p.real("dt"), .order = integrators::EulerOrder::KickDrift};
    const physics::Boundary walls =
        p.real("box") > 0 ? physics::Boundary::reflecting(d, p.real("box")) : physics::Boundary::open();
    simulate_particles(scheme, model, walls, std::move(q), std::move(v), p, split, out);
  }

 private:
  Setting s_;
};

}  // namespace

const Generator& charged_generator() {
  static const CoulombSet g({.name = "charged",
                             .summary = "NRI: 2D charges in a box with reflecting walls, force clipped per component",
                             .sizes = {.train = 200, .val = 50, .test = 50, .published_train = 50000,
                                       .published_val = 10000, .published_test = 10000, .steps = 5000,
                                       .test_steps = 10000, .every = 100, .dt = 0.001, .particles = 5},
                             .dim = 2, .walls = 5.0, .spread_with_n = false, .softening = 0.0, .magnetic = false,
                             .task_frames = false});
  return g;
}

const Generator& nbody_generator() {
  static const CoulombSet g({.name = "nbody",
                             .summary = "EGNN: 3D charges in open space, the frame 30 -> frame 40 task",
                             .sizes = {.train = 200, .val = 50, .test = 50, .published_train = 3000,
                                       .published_val = 2000, .published_test = 2000, .steps = 5000,
                                       .test_steps = 5000, .every = 100, .dt = 0.001, .particles = 5},
                             .dim = 3, .walls = 0.0, .spread_with_n = true, .softening = 0.0, .magnetic = false,
                             .task_frames = true});
  return g;
}

const Generator& lorentz_generator() {
  static const CoulombSet g({.name = "lorentz",
                             .summary = "3D charges with Coulomb forces in a uniform magnetic field B = (0.5, 0.5, 0.5)",
                             .sizes = {.train = 100, .val = 20, .test = 20, .published_train = 3000,
                                       .published_val = 2000, .published_test = 2000, .steps = 5000,
                                       .test_steps = 5000, .every = 100, .dt = 0.001, .particles = 20},
                             .dim = 3, .walls = 0.0, .spread_with_n = true, .softening = 1e-3, .magnetic = true,
                             .task_frames = false});
  return g;
}

}  // namespace dg::datasets
