// `gravitational`: Aether's dynamic field (Kofinas et al., NeurIPS 2023). Unit masses attract
// each other and one heavy fixed mass whose position is drawn anew for every simulation.
//
// Published settings (reproduced by default; ../shared/reference/datasets.md and Aether's
// gravitational_field_sim.py):
//   3D; 5 particles of mass 1 and 1 fixed mass of 10; G = 1; Plummer softening 0.1 in every
//   pair (a_i = G sum_j m_j (x_j - x_i) / (|x_j - x_i|^2 + 0.1^2)^(3/2)), particle-particle
//   attraction included; all positions (the fixed mass too) N(0, 1); velocities N(0, 1) per
//   component, minus the centre-of-mass velocity of the WHOLE system with the fixed mass at rest,
//   i.e. v_i -= sum_j m_j v_j / (sum_j m_j + sum of fixed masses) (so the 5 particles keep a small
//   total momentum, as in the published code); kick-drift-kick leapfrog (VelocityVerlet),
//   dt = 0.001, 5000 steps, a frame every 100 steps; the published file also holds the initial
//   frame (with its velocities zeroed) which Aether's converter drops: the 49 frames kept here
//   are the same 49 it trains on; 50,000 / 10,000 / 10,000 simulations (default 200 / 50 / 50).
// Differences: Philox random numbers; float64 data; no force cap (the published gravity has none).
//
// Extra arrays: source_positions (S, M, d) per simulation, source_masses (M).
#include "datasets/builtin.hpp"
#include "datasets/simulation.hpp"
#include "physics/physics.hpp"

namespace dg::datasets {

namespace {

class Gravitational final : public Generator {
 public:
  std::string name() const override { return "gravitational"; }
  std::string summary() const override {
    return "Aether: 3D unit masses around a heavy fixed mass placed anew in every simulation (Plummer, leapfrog)";
  }

  std::vector<ParamSpec> param_specs() const override {
    std::vector<ParamSpec> s = common_specs({.train = 200, .val = 50, .test = 50,
                                             .published_train = 50000, .published_val = 10000, .published_test = 10000,
                                             .steps = 5000, .test_steps = 5000, .every = 100, .dt = 0.001,
                                             .particles = 5});
    s.push_back(int_param("dim", 3, "spatial dimension (published: 3)", 2, 3));
    s.push_back(positive_param("mass", 1.0, "mass of each moving particle"));
    s.push_back(int_param("heavy_count", 1, "fixed heavy masses per simulation", 0, 1000));
    s.push_back(positive_param("heavy_mass", 10.0, "mass of each fixed heavy mass"));
    s.push_back(real_param("G", 1.0, "gravitational constant", 0.0, 1e6));
    s.push_back(real_param("softening", 0.1, "Plummer softening length eps", 0.0, 1e6));
    s.push_back(real_param("position_std", 1.0, "positions (fixed masses too) N(0, position_std^2)", 0.0, 1e6));
    s.push_back(real_param("velocity_std", 1.0, "velocity components N(0, velocity_std^2) before the centre-of-mass shift",
                           0.0, 1e6));
    return s;
  }

  SplitLayout layout(const Params& p, Split split) const override {
    return particle_layout(p, split, /*charges=*/false, {{"source_positions", {p.integer("heavy_count"), p.integer("dim")}}});
  }

  void simulate(const Params& p, Split split, std::int64_t index, const SimulationRecord& out) const override {
    const index_t n = p.integer("particles"), m = p.integer("heavy_count");
    const int d = static_cast<int>(p.integer("dim"));
    const double G = p.real("G"), eps = p.real("softening"), heavy = p.real("heavy_mass");
    // Initial draws in this order: particle positions, heavy-mass positions, velocities.
    Philox rng = simulation_rng(static_cast<std::uint64_t>(p.integer("seed")), split, index);
    Tensor<double> q = draw_normal(rng, n, d, p.real("position_std"));
    const Tensor<double> sources = draw_normal(rng, m, d, p.real("position_std"));
    Tensor<double> v = draw_normal(rng, n, d, p.real("velocity_std"));
    const Tensor<double> masses = Tensor<double>::full(Shape{n}, p.real("mass"));
    const Tensor<double> heavy_masses = Tensor<double>::full(Shape{m}, heavy);
    store(masses, out.masses);
    store(sources, out.extras[0]);

    // Centre-of-mass velocity of all bodies, the fixed ones at rest (the published formula).
    double total_mass = static_cast<double>(m) * heavy;
    for (index_t i = 0; i < n; ++i) total_mass += masses[i];
    for (int k = 0; k < d; ++k) {
      double momentum = 0;
      for (index_t i = 0; i < n; ++i) momentum += masses[i] * v(i, k);
      for (index_t i = 0; i < n; ++i) v(i, k) -= momentum / total_mass;
    }

    physics::ForceModel model(masses);
    model.add(physics::Gravity(masses, {.G = G, .softening = eps}));
    if (m > 0) model.add(physics::PointSources::masses(sources, heavy_masses, masses, G, eps));

    simulate_particles(integrators::VelocityVerlet{.dt = p.real("dt")}, model, integrators::OpenBoundary{}, std::move(q),
                       std::move(v), p, split, out);
  }

  void add_split_arrays(const Params& p, Split, io::NamedArrays& arrays) const override {
    const std::vector<double> heavy(static_cast<std::size_t>(p.integer("heavy_count")), p.real("heavy_mass"));
    arrays.emplace_back("source_masses", io::Array::from({p.integer("heavy_count")}, heavy));
  }
};

}  // namespace

const Generator& gravitational_generator() {
  static const Gravitational g;
  return g;
}

}  // namespace dg::datasets
