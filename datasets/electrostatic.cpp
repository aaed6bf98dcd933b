// `electrostatic`: Aether's static latent field (Kofinas et al., NeurIPS 2023). Charged particles
// move in the field of fixed source charges that every simulation of every split shares.
//
// Published settings (reproduced by default; ../shared/reference/datasets.md):
//   2D; 5 particles of charge +-1 (probability 1/2 each), mass 1; 20 sources uniform in
//   [-5, 5]^2 with charges +-1 times a strength of 1, drawn once from a fixed seed; k = 1; no
//   softening; the TOTAL force on a particle is rescaled to norm 100 when longer; no walls;
//   positions N(0, 1), velocities of norm 0.5 in a random direction; dt = 0.001, semi-implicit
//   Euler "v += dt F(x0); then per step x += dt v; v += dt F(x)" (SymplecticEuler KickDrift);
//   5000 steps, a frame every 100 steps: the 49 states after 100, ..., 4900 steps;
//   50,000 / 10,000 / 10,000 simulations (default here: 200 / 50 / 50, --published for those).
// Differences: random numbers come from Philox (not numpy), so the same settings give other
// draws; data are float64 (Aether converts to float32 for training); `dim` = 3 is allowed.
//
// Extra arrays: source_positions (M, d), source_charges (M) (the strength included), and the
// true field on a unit positive test charge, norm capped at force_cap, on a grid:
// field_points (n, ..., d) and field_values (n, ..., d) with n = `grid` points per dimension
// (last axis of the grid varies fastest in memory: field_points[j, i] = (x_i, y_j)). The grid
// spans the source box and the positions the particles of the split visit (between the
// `grid_quantile` and 1 - `grid_quantile` quantiles per coordinate: a rare particle thrown far
// out does not stretch the grid), widened by `grid_margin` on every side.
#include <algorithm>
#include <cmath>

#include "datasets/builtin.hpp"
#include "datasets/simulation.hpp"
#include "physics/physics.hpp"

namespace dg::datasets {

namespace {

// The fixed sources: stream 0 of the engine seeded by field_seed, charges first.
struct Sources {
  Tensor<double> positions;  // (M, d)
  Tensor<double> charges;    // (M)
};

Sources draw_sources(const Params& p) {
  Philox rng(static_cast<std::uint64_t>(p.integer("field_seed")), 0);
  const index_t m = p.integer("sources");
  const int d = static_cast<int>(p.integer("dim"));
  const double box = p.real("source_box");
  Sources s;
  s.charges = draw_signs(rng, m, p.real("source_strength"));
  s.positions = draw_uniform(rng, m, d, -box, box);
  return s;
}

// The q-quantile of x (sorted copy; q = 0 gives the minimum, 1 the maximum).
double quantile(std::vector<double> x, double q) {
  if (x.empty()) return 0.0;
  const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(x.size() - 1)));
  std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k), x.end());
  return x[k];
}

class Electrostatic final : public Generator {
 public:
  std::string name() const override { return "electrostatic"; }
  std::string summary() const override {
    return "Aether: 2D charges in the static field of 20 fixed sources shared by all simulations";
  }

  std::vector<ParamSpec> param_specs() const override {
    std::vector<ParamSpec> s = common_specs({.train = 200, .val = 50, .test = 50,
                                             .published_train = 50000, .published_val = 10000, .published_test = 10000,
                                             .steps = 5000, .test_steps = 5000, .every = 100, .dt = 0.001,
                                             .particles = 5});
    s.push_back(int_param("dim", 2, "spatial dimension (published: 2)", 2, 3));
    s.push_back(int_param("sources", 20, "fixed source charges", 0, 100000));
    s.push_back(positive_param("source_box", 5.0, "sources are uniform in [-source_box, source_box]^d"));
    s.push_back(real_param("source_strength", 1.0, "source charges are +-source_strength", -1e6, 1e6));
    s.push_back(int_param("field_seed", 1, "seed of the sources (shared by all splits and simulations)", 0,
                          std::numeric_limits<std::int64_t>::max()));
    s.push_back(positive_param("coulomb_k", 1.0, "Coulomb constant k"));
    s.push_back(positive_param("force_cap", 100.0, "the total force on a particle is rescaled to this norm when longer"));
    s.push_back(real_param("position_std", 1.0, "initial positions N(0, position_std^2)", 0.0, 1e6));
    s.push_back(real_param("speed", 0.5, "initial speed (random direction)", 0.0, 1e6));
    s.push_back(int_param("grid", 100, "points per dimension of the true-field grid", 2, 4096));
    s.push_back(real_param("grid_quantile", 0.001, "the grid spans these quantiles of the positions", 0.0, 0.5));
    s.push_back(real_param("grid_margin", 0.5, "margin added around the grid's region", 0.0, 1e6));
    return s;
  }

  SplitLayout layout(const Params& p, Split split) const override {
    return particle_layout(p, split, /*charges=*/true);
  }

  void simulate(const Params& p, Split split, std::int64_t index, const SimulationRecord& out) const override {
    const index_t n = p.integer("particles");
    const int d = static_cast<int>(p.integer("dim"));
    const double k = p.real("coulomb_k");
    // Initial draws in this order: charges, positions, velocity directions.
    Philox rng = simulation_rng(static_cast<std::uint64_t>(p.integer("seed")), split, index);
    Tensor<double> charges = draw_signs(rng, n);
    Tensor<double> q = draw_normal(rng, n, d, p.real("position_std"));
    Tensor<double> v = draw_directions(rng, n, d, p.real("speed"));
    const Tensor<double> masses = Tensor<double>::full(Shape{n}, 1.0);
    store(charges, out.charges);
    store(masses, out.masses);

    // Forces: the other particles and the sources, norm cap on the sum, unit masses.
    const Sources src = draw_sources(p);
    physics::ForceModel model(masses);
    model.add(physics::Coulomb(charges, {.k = k}));
    if (src.charges.numel() > 0) model.add(physics::PointSources::charges(src.positions, src.charges, charges, k));
    model.set_cap(physics::ForceCap::norm(p.real("force_cap")));

    simulate_particles(integrators::SymplecticEuler{.dt = p.real("dt"), .order = integrators::EulerOrder::KickDrift},
                       model, integrators::OpenBoundary{}, std::move(q), std::move(v), p, split, out);
  }

  void add_split_arrays(const Params& p, Split, io::NamedArrays& arrays) const override {
    const int d = static_cast<int>(p.integer("dim"));
    const Sources src = draw_sources(p);
    const index_t m = src.charges.numel();
    arrays.emplace_back("source_positions", io::Array::from<double>({m, d}, src.positions.data()));
    arrays.emplace_back("source_charges", io::Array::from<double>({m}, src.charges.data()));

    // The grid's region: the source box and the quantiles of the visited positions, per axis.
    const std::span<const double> pos = io::find(arrays, "positions", name()).as<double>();
    const double qt = p.real("grid_quantile"), margin = p.real("grid_margin"), box = p.real("source_box");
    std::array<double, 3> lo{}, hi{};
    std::array<index_t, 3> counts{1, 1, 1};
    for (int k = 0; k < d; ++k) {
      std::vector<double> coord;
      coord.reserve(pos.size() / static_cast<std::size_t>(d));
      for (std::size_t i = static_cast<std::size_t>(k); i < pos.size(); i += static_cast<std::size_t>(d)) coord.push_back(pos[i]);
      lo[k] = std::min(-box, coord.empty() ? -box : quantile(coord, qt)) - margin;
      hi[k] = std::max(box, coord.empty() ? box : quantile(coord, 1.0 - qt)) + margin;
      counts[k] = p.integer("grid");
    }
    // Field of the sources on a unit positive test charge, capped like the force.
    const Tensor<double> points = physics::grid_points(d, lo, hi, counts);  // (P, d), axis 0 fastest
    Tensor<double> field = Tensor<double>::zeros(points.shape());           // (P, d)
    if (m > 0) {
      const auto unit = physics::PointSources::charges(src.positions, src.charges, Tensor<double>::full(Shape{1}, 1.0),
                                                       p.real("coulomb_k"));
      unit.field_at(points, field);
    }
    physics::apply_cap(physics::ForceCap::norm(p.real("force_cap")), field);
    // numpy order: the first axis of the grid varies fastest, so the array is (n_y, n_x, d) in 2D.
    std::vector<std::int64_t> shape;
    for (int k = d - 1; k >= 0; --k) shape.push_back(counts[k]);
    shape.push_back(d);
    arrays.emplace_back("field_points", io::Array::from<double>(shape, points.data()));
    arrays.emplace_back("field_values", io::Array::from<double>(shape, field.data()));
  }
};

}  // namespace

const Generator& electrostatic_generator() {
  static const Electrostatic g;
  return g;
}

}  // namespace dg::datasets
