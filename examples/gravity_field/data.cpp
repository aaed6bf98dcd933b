// Reading or generating the gravitational set for the gravity_field experiment (data.hpp).
#include "examples/gravity_field/data.hpp"

#include <cmath>

#include "datasets/datasets.hpp"
#include "examples/common/splits.hpp"

namespace dg::gravity_field {

namespace {

// The split's hidden masses, source_positions (S, 1, d), as (S, d).
std::vector<double> hidden_masses(const datasets::Trajectories& t) {
  try {
    const io::Array& a = io::find(t.others, "source_positions", t.source);
    if (a.shape().size() != 3 || a.shape()[0] != t.sims || a.shape()[1] != 1 || a.shape()[2] != kD)
      throw datasets::DatasetError(t.source + ": source_positions must be (" + std::to_string(t.sims) +
                                   ", 1, 3): one hidden mass per simulation, got " + io::shape_string(a.shape()));
    std::vector<double> h = a.to_vector<double>();
    for (std::size_t k = 0; k < h.size(); ++k)
      if (!std::isfinite(h[k]))
        throw datasets::DatasetError(t.source + ": source_positions holds " + std::to_string(h[k]) + " at element " +
                                     std::to_string(k));
    return h;
  } catch (const io::IoError& e) {
    throw datasets::DatasetError(e.what());
  }
}

void check_split(const datasets::Trajectories& t, std::int64_t min_frames) {
  auto fail = [&](const std::string& what) { throw datasets::DatasetError(t.source + ": " + what); };
  if (t.dim != kD) fail("the experiment is 3D, the data are " + std::to_string(t.dim) + "D");
  if (t.frames < min_frames) fail(std::to_string(t.frames) + " frames, the run needs " + std::to_string(min_frames));
  if (t.dt_frame <= 0) fail("no dt_frame (time between frames)");
  for (double m : t.masses)
    if (m != 1.0) fail("the models assume unit masses (the field is read as an acceleration)");
}

}  // namespace

void true_field(const double* h, const double* p, double GM, double eps, double* out) {
  double r2 = eps * eps;
  for (std::int64_t j = 0; j < kD; ++j) r2 += (h[j] - p[j]) * (h[j] - p[j]);
  for (std::int64_t j = 0; j < kD; ++j) out[j] = GM * (h[j] - p[j]) / (r2 * std::sqrt(r2));
}

GravityData load_gravity(const std::string& dir, std::int64_t train, std::int64_t test, std::uint64_t seed,
                         std::int64_t min_frames) {
  using namespace datasets;
  examples::Splits s =
      examples::load_splits(dir, gravitational_generator(), train, 0, test, seed, [&](const Params& p) {
        const std::int64_t frames = frame_count(p.integer("test_steps"), p.integer("every"));
        if (frames < min_frames)
          throw DatasetError("generated test split: " + std::to_string(frames) + " frames, the run needs " +
                             std::to_string(min_frames));
      });
  GravityData out;
  out.train = std::move(s.train);
  out.test = std::move(s.test);
  out.origin = std::move(s.origin);
  const Params& p = s.params;
  if (p.integer("heavy_count") != 1)
    throw DatasetError(out.origin + ": " + std::to_string(p.integer("heavy_count")) +
                       " heavy masses per simulation, the experiment locates exactly one");
  out.G = p.real("G"), out.heavy_mass = p.real("heavy_mass"), out.softening = p.real("softening");
  check_split(out.train, 2);
  check_split(out.test, min_frames);
  examples::check_same_particles(out.train, out.test);
  out.train_heavy = hidden_masses(out.train);
  out.test_heavy = hidden_masses(out.test);
  return out;
}

}  // namespace dg::gravity_field
