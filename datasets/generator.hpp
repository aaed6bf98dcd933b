// The interface of a data-set generator and the registry of all of them.
//
// A generator describes its parameters (params.hpp), the per-simulation arrays it writes, and
// how to run ONE simulation of a split into slices of those arrays. The driver (generate.hpp)
// runs the simulations of a split in parallel and packs them into one .npz per split.
//
// Frames follow the published code (NRI, Aether, EGNN; see docs/datasets.md): of a run of
// `steps` steps with a frame every `every` steps, the kept frames are the states after
// every, 2 every, ..., steps - every steps: F = steps / every - 1 frames (5000 / 100 -> 49).
// Neither the initial state nor the state after the last step is kept.
//
// Randomness: simulation i of a split draws from the Philox engine (seed, stream(split, i)), a
// pure function of the seed, the split and i, so the data do not depend on the thread count or
// schedule. Draws shared by every simulation (Aether's fixed sources) use their own fixed seed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "autodiff/random.hpp"
#include "autodiff/shape.hpp"
#include "datasets/params.hpp"
#include "io/npy.hpp"

namespace dg::datasets {

enum class Split { Train, Val, Test };
inline constexpr std::array<Split, 3> kSplits = {Split::Train, Split::Val, Split::Test};
const char* split_name(Split);  // "train", "val", "test" (also the size parameters' names)

// The engine of simulation `index` of `split`: Philox(seed, stream) with the split in the top
// bits of the stream (index < 2^40).
Philox simulation_rng(std::uint64_t seed, Split split, std::int64_t index);

// Frames kept from a run of `steps` steps with a frame every `every` steps (header comment).
inline std::int64_t frame_count(std::int64_t steps, std::int64_t every) { return steps / every - 1; }
inline std::int64_t frame_step(std::int64_t frame, std::int64_t every) { return (frame + 1) * every; }

// An array written once per simulation: its name and its shape without the leading S.
struct ArraySpec {
  std::string name;
  std::vector<std::int64_t> shape;
};

// The per-simulation arrays of a split: positions and velocities (F, N, d), masses (N), charges
// (N) when the set has them, then the generator's extras, all float64.
struct SplitLayout {
  std::int64_t frames = 0;
  std::int64_t particles = 0;
  int dim = 0;
  bool charges = false;
  std::vector<ArraySpec> extras;
};

// The layout of a particle set: `particles` and `dim` from the parameters, the frames of the
// split from steps (or test_steps) and every.
SplitLayout particle_layout(const Params& p, Split split, bool charges, std::vector<ArraySpec> extras = {});

// Where one simulation writes: its slice of each per-simulation array.
struct SimulationRecord {
  double* positions = nullptr;   // (F, N, d)
  double* velocities = nullptr;  // (F, N, d)
  double* masses = nullptr;      // (N)
  double* charges = nullptr;     // (N), or null when the set has no charges
  std::vector<double*> extras;   // one per SplitLayout::extras, each of its shape
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual std::string name() const = 0;
  // One line for `dynagrad-data list`.
  virtual std::string summary() const = 0;
  // Every parameter with its default and published setting (sizes first, see common_specs).
  virtual std::vector<ParamSpec> param_specs() const = 0;
  // Checks that need several parameters (the frame plan, sizes); throws DatasetError.
  virtual void validate(const Params& p) const;
  virtual SplitLayout layout(const Params& p, Split split) const = 0;
  // Runs simulation `index` of `split` and fills `out`. Called from several threads at once.
  virtual void simulate(const Params& p, Split split, std::int64_t index, const SimulationRecord& out) const = 0;
  // Arrays of the whole split, appended after the per-simulation ones and the frame times
  // (sources, the true field on a grid, ...). `arrays` already holds the generated data.
  virtual void add_split_arrays(const Params& p, Split split, io::NamedArrays& arrays) const;
};

// Sizes, steps and seed shared by the generators. published_* are the published split sizes.
struct SizeDefaults {
  std::int64_t train, val, test;
  std::int64_t published_train, published_val, published_test;
  std::int64_t steps, test_steps, every;
  double dt;
  std::int64_t particles = 0;  // 0: the set has no `particles` parameter (its size is fixed)
};
// seed, train, val, test, steps, test_steps, every, dt[, particles].
std::vector<ParamSpec> common_specs(const SizeDefaults& d);
// The number of simulations and steps of a split.
std::int64_t split_size(const Params& p, Split split);
std::int64_t split_steps(const Params& p, Split split);

// All generators, in the order `list` shows them; find by name (DatasetError listing the names).
const std::vector<const Generator*>& all_generators();
const Generator& find_generator(const std::string& name);
// The generators a name stands for: itself, or the members of a family ("chaotic": lorenz,
// roessler, double_pendulum). Empty when the name is unknown.
std::vector<const Generator*> generators_named(const std::string& name);

// The dynagrad version that made a data set (written into params.json).
const char* dynagrad_version();

}  // namespace dg::datasets
