// The pieces every small experiment repeats (header only): the standard options (--quick,
// --check, --quiet, --out, --seed, --threads), the checks of --check with their printout and
// exit status, and the common part of results.json.
//
// --threads defaults to OpenMP's own setting (OMP_NUM_THREADS, else OpenMP's default), as every
// OpenMP program does; results do not depend on it. Checks come in two kinds: targets (the result
// the example exists to show), enforced by --check; and sanity checks (`required`: a forecast that
// diverged, a non-finite result), whose failure always makes the exit status 3, with or without
// --check. Targets are not enforced by default because a run that misses one is still a complete,
// valid run whose files are all written (sweeps and exploratory runs miss targets on purpose);
// --check is the gate for tests and CI.
//
//   examples::Options opt("nbody_orbits", "...");
//   const examples::StandardOptions std_opt = examples::add_standard_options(opt, "nbody_orbits", 1);
//   opt.parse(argc, argv);
//   ...
//   std::vector<examples::Check> checks{{"energy drift ratio", ratio, 10, examples::Check::AtLeast}};
//   io::Json results = examples::results_header(opt, seed, seconds); results.set("checks", checks_json(checks));
//   return examples::print_checks(checks, std_opt.check);        // 3 when --check and one missed
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "autodiff/parallel.hpp"
#include "examples/common/options.hpp"
#include "io/json.hpp"

namespace dg::examples {

// References into the Options object, valid while it lives.
struct StandardOptions {
  bool& quick;
  bool& check;
  bool& quiet;
  std::string& out;
  std::int64_t& seed;
  int& threads;
};

inline StandardOptions add_standard_options(Options& opt, const std::string& name, std::int64_t seed = 1) {
  return {opt.flag("quick", "a short run (under a minute on 2 cores); used by the tests"),
          opt.flag("check", "after the run, exit with status 3 when the result the example shows does not hold"),
          opt.flag("quiet", "no progress line"),
          opt.add("out", "out/" + name, "output folder (created; checked writable before any work)"),
          opt.add("seed", seed, "seed of everything random", std::int64_t{0}),
          opt.add("threads", num_threads(), "OpenMP threads (default: OMP_NUM_THREADS, else OpenMP's; results do not depend on it)",
                  1, 1024)};
}

// One measure the example exists to show, against its threshold.
struct Check {
  enum Direction { AtMost, AtLeast };
  std::string name;
  double value = 0, threshold = 0;
  Direction direction = AtMost;
  bool required = false;  // a sanity check: its failure makes the exit status 3 even without --check
  bool passed() const { return direction == AtMost ? value <= threshold : value >= threshold; }  // NaN: missed
};

// A number for results.json: null when NaN or infinite (JSON has no such numbers).
inline io::Json json_number(double v) { return std::isfinite(v) ? io::Json(v) : io::Json(); }
inline io::Json json_numbers(const std::vector<double>& values) {
  io::JsonArray out;
  for (double v : values) out.push_back(json_number(v));
  return io::Json(std::move(out));
}

inline io::Json checks_json(const std::vector<Check>& checks) {
  io::JsonArray out;
  for (const Check& c : checks)
    out.push_back(io::Json::object({{"name", c.name},
                                    {"value", json_number(c.value)},
                                    {"threshold", c.threshold},
                                    {"direction", c.direction == Check::AtMost ? "at_most" : "at_least"},
                                    {"required", c.required},
                                    {"passed", c.passed()}}));
  return io::Json(std::move(out));
}

// Prints every check ("name value <= threshold ok|MISSED"); returns 3 when a required check
// missed, or `enforce` is set and any missed; else 0: the exit status of the program.
inline int print_checks(const std::vector<Check>& checks, bool enforce) {
  bool all = true, required = true;
  std::printf("\nchecks%s:\n", enforce ? "" : " (targets not enforced without --check)");
  for (const Check& c : checks) {
    std::printf("  %-58s %11.4g %s %-9.4g %s\n", c.name.c_str(), c.value, c.direction == Check::AtMost ? "<=" : ">=",
                c.threshold, c.passed() ? "ok" : c.required ? "FAILED" : "MISSED");
    all = all && c.passed();
    required = required && (c.passed() || !c.required);
  }
  if (!required) std::fprintf(stderr, "check failed: a sanity check failed (see above)\n");
  else if (enforce && !all) std::fprintf(stderr, "check failed: a measure missed its threshold (see above)\n");
  return !required || (enforce && !all) ? 3 : 0;
}

// The start of results.json: the settings (every option), the seed and the seconds taken.
inline io::Json results_header(const Options& opt, std::int64_t seed, double seconds) {
  io::JsonObject settings;
  for (const auto& [name, value] : opt.values()) settings.emplace_back(name, io::Json(value));
  return io::Json::object({{"settings", io::Json(std::move(settings))}, {"seed", seed}, {"seconds", seconds}});
}

// Seconds since `start` on the steady clock.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace dg::examples
