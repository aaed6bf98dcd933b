// Generating the gravitational splits with their accelerations (data.hpp).
#include "examples/gravity_field/data.hpp"

#include <stdexcept>
#include <string>

#include "datasets/datasets.hpp"

namespace dg::gravity_field {

namespace {

Split make_split(const datasets::Generator& g, const datasets::Params& p, datasets::Split which) {
  Split out;
  out.traj = datasets::trajectories_from_arrays(datasets::generate_split(g, p, which), datasets::split_name(which));
  const auto& t = out.traj;
  if (t.dim != kD || t.dt_frame <= 0) throw datasets::DatasetError("gravitational data: expected 3D with dt_frame");
  const std::vector<double> src = io::find(t.others, "source_positions", t.source).to_vector<double>();
  if (src.size() != static_cast<std::size_t>(t.sims * kD)) throw datasets::DatasetError("expected one heavy mass per simulation");
  out.heavy = src;
  out.mid.resize(static_cast<std::size_t>(t.sims * (t.frames - 1) * t.particles * kD));
  out.acc.resize(out.mid.size());
  for (std::int64_t s = 0; s < t.sims; ++s)
    for (std::int64_t f = 0; f + 1 < t.frames; ++f)
      for (std::int64_t c = 0; c < t.particles * kD; ++c) {
        const std::size_t k = out.at(s, f, 0) + static_cast<std::size_t>(c);
        out.mid[k] = 0.5 * (t.positions_at(s, f)[c] + t.positions_at(s, f + 1)[c]);
        out.acc[k] = (t.velocities_at(s, f + 1)[c] - t.velocities_at(s, f)[c]) / t.dt_frame;
      }
  return out;
}

}  // namespace

GravityData load_gravity(std::int64_t train, std::int64_t test, std::int64_t seed, std::int64_t observed,
                         std::int64_t horizon) {
  const datasets::Generator& g = datasets::gravitational_generator();
  datasets::Params p = datasets::default_params(g, false);
  p.set("train", train);
  p.set("test", test);
  p.set("seed", seed);
  if (observed + horizon > datasets::frame_count(p.integer("steps"), p.integer("every")))
    throw std::invalid_argument("--observed + --horizon exceed the " +
                                std::to_string(datasets::frame_count(p.integer("steps"), p.integer("every"))) + " frames");
  if (p.integer("heavy_count") != 1) throw std::invalid_argument("expected one heavy mass");
  GravityData d;
  d.train = make_split(g, p, datasets::Split::Train);
  d.test = make_split(g, p, datasets::Split::Test);
  d.GM = p.real("G") * io::find(d.test.traj.others, "source_masses", "test").to_vector<double>()[0];
  d.eps = p.real("softening");
  return d;
}

}  // namespace dg::gravity_field
