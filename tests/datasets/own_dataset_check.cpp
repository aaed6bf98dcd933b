// Checks the data set written by the numpy script of docs/datasets.md ("Your own trajectories"):
// the loaders accept it (params.json, both splits, every array) with the shapes and values the
// script wrote, and a WindowLoader serves batches from it. Run by own_dataset.sh.
// Usage: own_dataset_check DIR    (exit 0: accepted; 1: a message says what is wrong)
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "datasets/datasets.hpp"

using namespace dg;
using namespace dg::datasets;

namespace {

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "own_dataset_check: %s\n", what.c_str());
    ++failures;
  }
}

void check_split(const Trajectories& t, std::int64_t sims) {
  expect(t.sims == sims && t.frames == 49 && t.particles == 5 && t.dim == 2,
         t.source + ": shape (" + std::to_string(t.sims) + ", " + std::to_string(t.frames) + ", " +
             std::to_string(t.particles) + ", " + std::to_string(t.dim) + ")");
  expect(t.dt_frame == 0.1, t.source + ": dt_frame " + std::to_string(t.dt_frame));
  expect(t.masses.empty(), t.source + ": no masses were written");
  for (const double q : t.charges) expect(q == 1.0 || q == -1.0, t.source + ": charge " + std::to_string(q));
  const io::Array& src = io::find(t.others, "source_positions", t.source);
  expect(src.shape() == std::vector<std::int64_t>{20, 2}, t.source + ": source_positions " + io::shape_string(src.shape()));
  for (const double x : src.to_vector<double>()) expect(std::abs(x) <= 5, t.source + ": a source outside [-5, 5]");
  // The script's frames: 100 steps of 0.001 apart, so a particle moves about v * 0.1 between frames.
  const double* x0 = t.positions_at(0, 0);
  const double* x1 = t.positions_at(0, 1);
  const double* v1 = t.velocities_at(0, 1);
  expect(std::abs(x1[0] - x0[0]) < 0.2 * std::abs(v1[0]) + 0.05, t.source + ": frames further apart than dt_frame allows");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: own_dataset_check DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  try {
    const ParamsFile p = read_dataset_params(dir, "electrostatic");
    expect(p.params.real("coulomb_k") == 1.0 && p.params.real("force_cap") == 100.0, "params.json: coulomb_k, force_cap");
    const Trajectories train = load_trajectories(split_path(dir, Split::Train));
    const Trajectories test = load_trajectories(split_path(dir, Split::Test));
    check_split(train, 64);
    check_split(test, 16);
    WindowLoader<float> loader(train, {.input_frames = 1, .target_frames = 1, .batch_size = 100, .seed = 1});
    loader.start_epoch(0);
    expect(loader.window_count() == 64 * 48, "windows: " + std::to_string(loader.window_count()));
    expect(loader.batch(0).charges.numel() == 100 * 5, "a batch holds 100 graphs of 5 charged nodes");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "own_dataset_check: refused: %s\n", e.what());
    return 1;
  }
  if (failures == 0) std::printf("own_dataset_check: %s accepted\n", dir.c_str());
  return failures == 0 ? 0 : 1;
}
