// Reading or generating the electrostatic set for the field-discovery experiment (data.hpp).
#include "examples/field_discovery/data.hpp"

#include "datasets/datasets.hpp"
#include "examples/common/splits.hpp"

namespace dg::field_discovery {

namespace {

// The sources kept by the generator in every split file (source_positions (S, d), source_charges (S)).
void read_sources(const datasets::Trajectories& t, ElectrostaticData& out) {
  const io::Array& pos = io::find(t.others, "source_positions", t.source);
  const io::Array& c = io::find(t.others, "source_charges", t.source);
  if (pos.shape().size() != 2 || pos.shape()[1] != t.dim || c.shape().size() != 1 || c.shape()[0] != pos.shape()[0])
    throw datasets::DatasetError(t.source + ": source_positions must be (S, " + std::to_string(t.dim) +
                                 ") and source_charges (S), got " + io::shape_string(pos.shape()) + " and " +
                                 io::shape_string(c.shape()));
  const std::vector<double> p = pos.to_vector<double>(), q = c.to_vector<double>();
  out.source_positions = Tensor<double>(Shape{pos.shape()[0], t.dim});
  out.source_charges = Tensor<double>(Shape{c.shape()[0]});
  std::copy(p.begin(), p.end(), out.source_positions.data());
  std::copy(q.begin(), q.end(), out.source_charges.data());
}

void check_split(const datasets::Trajectories& t, std::int64_t min_frames) {
  auto fail = [&](const std::string& what) { throw datasets::DatasetError(t.source + ": " + what); };
  if (t.dim != 2) fail("the experiment is 2D, the data are " + std::to_string(t.dim) + "D");
  if (t.charges.empty()) fail("the particles have no charges");
  if (t.frames < min_frames)
    fail(std::to_string(t.frames) + " frames, the evaluation needs " + std::to_string(min_frames));
  if (!t.masses.empty())
    for (double m : t.masses)
      if (m != 1.0) fail("the model assumes unit masses (q E is read as an acceleration)");
}

}  // namespace

ElectrostaticData load_electrostatic(const std::string& dir, std::int64_t train, std::int64_t test, std::uint64_t seed,
                                     std::int64_t min_frames, const examples::TrainShards& train_shards) {
  using namespace datasets;
  examples::Splits s = examples::load_splits(dir, electrostatic_generator(), train, 0, test, seed, {}, train_shards);
  ElectrostaticData out;
  out.train = std::move(s.train);
  out.train_sims = s.train_sims;
  out.train_is_block = train_shards.shards > 0;
  out.test = std::move(s.test);
  out.coulomb_k = s.params.real("coulomb_k");
  out.force_cap = s.params.real("force_cap");
  out.origin = std::move(s.origin);
  check_split(out.train, 2);
  check_split(out.test, min_frames);
  examples::check_same_particles(out.train, out.test);
  try {
    read_sources(out.train, out);
  } catch (const io::IoError& e) {
    throw DatasetError(e.what());
  }
  if (out.train.dt_frame <= 0) throw DatasetError(out.train.source + ": no dt_frame (time between frames)");
  return out;
}

const datasets::Trajectories& density_positions(const ElectrostaticData& data) {
  return data.train_is_block ? data.test : data.train;
}

}  // namespace dg::field_discovery
