// Loading or generating the lorentz splits (data.hpp).
#include "examples/lorentz_field/data.hpp"

#include "datasets/datasets.hpp"

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
  using namespace datasets;
  LorentzData out;
  if (!dir.empty()) {
    const ParamsFile params = read_dataset_params(dir, "lorentz");  // refuses a folder of another set
    out.train = load_trajectories(split_path(dir, Split::Train));
    out.test = load_trajectories(split_path(dir, Split::Test));
    read_physics(params.params, out);
    out.origin = dir;
  } else {
    const Generator& g = lorentz_generator();
    Params p = default_params(g, false);
    p.set("train", train);
    p.set("test", test);
    p.set("seed", static_cast<std::int64_t>(seed));
    out.train = trajectories_from_arrays(generate_split(g, p, Split::Train), "generated train split");
    out.test = trajectories_from_arrays(generate_split(g, p, Split::Test), "generated test split");
    read_physics(p, out);
    out.origin = "generated: lorentz, train=" + std::to_string(train) + ", test=" + std::to_string(test) +
                 ", seed=" + std::to_string(seed);
  }
  check_split(out.train, 2);
  check_split(out.test, min_frames);
  if (out.train.particles != out.test.particles)
    throw DatasetError(out.test.source + ": " + std::to_string(out.test.particles) + " particles, train has " +
                       std::to_string(out.train.particles));
  return out;
}

}  // namespace dg::lorentz_field
