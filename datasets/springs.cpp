// `springs`: NRI's springs (Kipf et al. 2018). Particles in a box with reflecting walls, joined
// by springs of rest length 0 between randomly chosen pairs.
//
// Published settings (reproduced by default; NRI's SpringSim):
//   2D, 5 particles of mass 1; each unordered pair gets a spring with probability 1/2
//   (edges (N, N) symmetric 0/1), constant 0.1: F_i = -0.1 sum_j edges_ij (x_i - x_j); each
//   component of the total force clipped to [-100, 100] (never reached at these sizes); walls at
//   +-5 as in `charged`; positions N(0, 0.5^2), velocities of norm 0.5 in a random direction;
//   the initial state reflected once into the box; dt = 0.001, the semi-implicit Euler of
//   `charged`; 5000 steps (test: 10,000) with a frame every 100: 49 (test: 99) frames;
//   50,000 / 10,000 / 10,000 simulations (default 200 / 50 / 50).
// Differences: Philox random numbers; float64 data.
//
// Extra arrays: edges (S, N, N), 1 where a spring joins i and j (the relation NRI infers).
#include "datasets/builtin.hpp"
#include "datasets/simulation.hpp"
#include "physics/physics.hpp"

namespace dg::datasets {

namespace {

class SpringsSet final : public Generator {
 public:
  std::string name() const override { return "springs"; }
  std::string summary() const override { return "NRI: 2D particles joined by random springs in a box with walls"; }

  std::vector<ParamSpec> param_specs() const override {
    std::vector<ParamSpec> s = common_specs({.train = 200, .val = 50, .test = 50,
                                             .published_train = 50000, .published_val = 10000, .published_test = 10000,
                                             .steps = 5000, .test_steps = 10000, .every = 100, .dt = 0.001,
                                             .particles = 5});
    s.push_back(int_param("dim", 2, "spatial dimension", 2, 3));
    s.push_back(real_param("box", 5.0, "reflecting walls at +-box after every drift (0: none)", 0.0, 1e6));
    s.push_back(real_param("spring_constant", 0.1, "constant of every spring", 0.0, 1e6));
    s.push_back(real_param("spring_probability", 0.5, "probability that a pair is joined", 0.0, 1.0));
    s.push_back(positive_param("force_cap", 100.0, "each component of the total force is clipped to +-force_cap"));
    s.push_back(real_param("position_std", 0.5, "initial positions N(0, position_std^2)", 0.0, 1e6));
    s.push_back(real_param("speed", 0.5, "initial speed (random direction)", 0.0, 1e6));
    return s;
  }

  SplitLayout layout(const Params& p, Split split) const override {
    const index_t n = p.integer("particles");
    return particle_layout(p, split, /*charges=*/false, {{"edges", {n, n}}});
  }

  void simulate(const Params& p, Split split, std::int64_t index, const SimulationRecord& out) const override {
    const index_t n = p.integer("particles");
    const int d = static_cast<int>(p.integer("dim"));
    // Initial draws in this order: the pairs (i > j, row by row), positions, velocity directions.
    Philox rng = simulation_rng(static_cast<std::uint64_t>(p.integer("seed")), split, index);
    Tensor<double> edges = Tensor<double>::zeros(Shape{n, n});  // (N, N) symmetric 0/1
    for (index_t i = 0; i < n; ++i)
      for (index_t j = 0; j < i; ++j) edges(i, j) = edges(j, i) = rng.uniform01() < p.real("spring_probability") ? 1.0 : 0.0;
    Tensor<double> q = draw_normal(rng, n, d, p.real("position_std"));
    Tensor<double> v = draw_directions(rng, n, d, p.real("speed"));
    const Tensor<double> masses = Tensor<double>::full(Shape{n}, 1.0);
    store(masses, out.masses);
    store(edges, out.extras[0]);

    Tensor<double> K = edges;  // (N, N) spring constants
    for (index_t i = 0; i < K.numel(); ++i) K[i] *= p.real("spring_constant");
    physics::ForceModel model(masses);
    model.add(physics::Springs(std::move(K)));
    model.set_cap(physics::ForceCap::per_component(p.real("force_cap")));

    const physics::Boundary walls =
        p.real("box") > 0 ? physics::Boundary::reflecting(d, p.real("box")) : physics::Boundary::open();
    walls.apply(q, v);
    simulate_particles(integrators::SymplecticEuler{.dt = p.real("dt"), .order = integrators::EulerOrder::KickDrift},
                       model, walls, std::move(q), std::move(v), p, split, out);
  }
};

}  // namespace

const Generator& springs_generator() {
  static const SpringsSet g;
  return g;
}

}  // namespace dg::datasets
