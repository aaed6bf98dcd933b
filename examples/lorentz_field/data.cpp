// Loading or generating the lorentz splits (data.hpp).
#include "examples/lorentz_field/data.hpp"

#include "datasets/datasets.hpp"
#include "examples/common/splits.hpp"

namespace dg::lorentz_field {

namespace {

void check_split(const datasets::Trajectories& t, std::int64_t min_frames) {
  auto fail = [&](const std::string& what) { throw datasets::DatasetError(t.source + ": " + what); };
  if (t.dim != 3) fail("the experiment is 3D (v x B), the data are " + std::to_string(t.dim) + "D");
  if (t.charges.empty()) fail("the particles have no charges");
  if (t.frames < min_frames) fail(std::to_string(t.frames) + " frames, the run needs " + std::to_string(min_frames));
  for (double m : t.masses)
    if (m != 1.0) fail("the model assumes unit masses (forces are read as accelerations)");
  if (t.dt_frame <= 0) fail("no dt_frame (time between frames)");
}

void read_physics(const datasets::Params& p, LorentzData& out) {
  out.magnetic = {p.real("magnetic_x"), p.real("magnetic_y"), p.real("magnetic_z")};
  out.coulomb_k = p.real("coulomb_k");
  out.force_cap = p.real("force_cap");
}

}  // namespace

LorentzData load_lorentz(const std::string& dir, std::int64_t train, std::int64_t test, std::uint64_t seed,
                         std::int64_t min_frames) {
  examples::Splits s = examples::load_splits(dir, datasets::lorentz_generator(), train, 0, test, seed);
  LorentzData out;
  out.train = std::move(s.train);
  out.test = std::move(s.test);
  out.origin = std::move(s.origin);
  read_physics(s.params, out);
  check_split(out.train, 2);
  check_split(out.test, min_frames);
  examples::check_same_particles(out.train, out.test);
  return out;
}

}  // namespace dg::lorentz_field
