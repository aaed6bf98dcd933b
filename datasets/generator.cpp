// The generator registry, the shared size parameters and the checks every generator makes.
#include "datasets/generator.hpp"

#include <limits>

#include "datasets/builtin.hpp"

#ifndef DYNAGRAD_VERSION
#define DYNAGRAD_VERSION "unknown"
#endif

namespace dg::datasets {

const char* split_name(Split s) {
  switch (s) {
    case Split::Train: return "train";
    case Split::Val: return "val";
    case Split::Test: return "test";
  }
  return "?";
}

Philox simulation_rng(std::uint64_t seed, Split split, std::int64_t index) {
  const std::uint64_t stream = (static_cast<std::uint64_t>(split) + 1) << 40 | static_cast<std::uint64_t>(index);
  return Philox(seed, stream);
}

std::vector<ParamSpec> common_specs(const SizeDefaults& d) {
  constexpr std::int64_t kMaxSims = std::int64_t{1} << 40;  // simulation_rng's index range
  constexpr std::int64_t kMaxSteps = std::int64_t{1} << 40;
  std::vector<ParamSpec> s = {
      int_param("seed", 42, "seed of the per-simulation random streams", 0, std::numeric_limits<std::int64_t>::max()),
      int_param("train", d.train, "training simulations", 1, kMaxSims, d.published_train),
      int_param("val", d.val, "validation simulations", 0, kMaxSims, d.published_val),
      int_param("test", d.test, "test simulations", 0, kMaxSims, d.published_test),
      int_param("steps", d.steps, "integration steps per simulation (train and val)", 1, kMaxSteps),
      int_param("test_steps", d.test_steps, "integration steps per test simulation", 1, kMaxSteps),
      int_param("every", d.every, "steps between saved frames", 1, kMaxSteps),
      positive_param("dt", d.dt, "integration time step"),
  };
  if (d.particles > 0) s.push_back(int_param("particles", d.particles, "moving particles per simulation", 1, 100000));
  return s;
}

std::int64_t split_size(const Params& p, Split split) { return p.integer(split_name(split)); }

std::int64_t split_steps(const Params& p, Split split) {
  return p.integer(split == Split::Test ? "test_steps" : "steps");
}

SplitLayout particle_layout(const Params& p, Split split, bool charges, std::vector<ArraySpec> extras) {
  return {.frames = frame_count(split_steps(p, split), p.integer("every")),
          .particles = p.integer("particles"),
          .dim = static_cast<int>(p.integer("dim")),
          .charges = charges,
          .extras = std::move(extras)};
}

void Generator::validate(const Params& p) const {
  const std::int64_t every = p.integer("every");
  for (const char* key : {"steps", "test_steps"}) {
    const std::int64_t steps = p.integer(key);
    const std::string where = name() + ": " + key + " = " + std::to_string(steps) + ", every = " + std::to_string(every);
    if (every > steps) throw DatasetError(where + ": every must not exceed the number of steps");
    if (steps % every != 0) throw DatasetError(where + ": steps must be a multiple of every");
    if (frame_count(steps, every) < 1)
      throw DatasetError(where + ": no frame would be kept (frames are kept at every, 2 every, ..., steps - every; "
                                 "steps must be at least 2 every)");
  }
  // Each split is held in memory before it is written: refuse sizes past 2^40 bytes (1 TiB).
  for (Split s : kSplits) {
    const SplitLayout l = layout(p, s);
    const double bytes = 16.0 * static_cast<double>(split_size(p, s)) * static_cast<double>(l.frames) *
                         static_cast<double>(l.particles) * l.dim;
    if (bytes > 0x1p40)
      throw DatasetError(name() + ": the " + split_name(s) + " split would need " + std::to_string(bytes / 0x1p30) +
                         " GiB of positions and velocities (more than 1 TiB)");
  }
}

void Generator::add_split_arrays(const Params&, Split, io::NamedArrays&) const {}

const std::vector<const Generator*>& all_generators() {
  static const std::vector<const Generator*> all = {
      &electrostatic_generator(), &gravitational_generator(), &charged_generator(),
      &springs_generator(),       &nbody_generator(),         &lorentz_generator(),
      &lorenz_generator(),        &roessler_generator(),      &double_pendulum_generator(),
  };
  return all;
}

std::vector<const Generator*> generators_named(const std::string& name) {
  if (name == "chaotic") return {&lorenz_generator(), &roessler_generator(), &double_pendulum_generator()};
  for (const Generator* g : all_generators())
    if (g->name() == name) return {g};
  return {};
}

const Generator& find_generator(const std::string& name) {
  for (const Generator* g : all_generators())
    if (g->name() == name) return *g;
  std::string names;
  for (const Generator* g : all_generators()) names += (names.empty() ? "" : ", ") + g->name();
  throw DatasetError("unknown data set '" + io::printable(name, 60) + "' (known: " + names + ")");
}

const char* dynagrad_version() { return DYNAGRAD_VERSION; }

}  // namespace dg::datasets
