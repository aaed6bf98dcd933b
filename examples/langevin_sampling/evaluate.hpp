// The runs of the langevin_sampling experiment and their measures: many independent particles of
// a target run as one state with BAOAB, OBABO or Euler-Maruyama (friction 1, unit masses), started
// from the exact density. After a burn-in, positions are histogrammed every `sample_interval` time
// units; the measures are the total variation distance between the histogram and the exact bin
// probabilities, and <|x|^2> with its standard error (from 32 independent groups of particles).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "examples/langevin_sampling/data.hpp"
#include "nn/progress.hpp"

namespace dg::langevin_sampling {

constexpr const char* kSchemes[3] = {"baoab", "obabo", "euler_maruyama"};

struct Sampled {
  bool diverged = false;
  double tv = 0;                  // total variation distance to the exact bin probabilities
  double r2 = 0, r2_se = 0;       // <|x|^2> and its standard error
  std::vector<double> histogram;  // bin frequencies, (bins^dim)
};

struct RunSettings {
  index_t particles;
  double burn_in, sample_time, sample_interval;
  std::uint64_t seed;
};

// One run of scheme `scheme` (an index into kSchemes) at step dt. work_done / work_total: steps of
// all runs, for the progress line (phase: the target's place, of 2).
Sampled sample_with(int scheme, double dt, const Target& target, const RunSettings& rs, nn::ProgressLine& progress,
                    std::int64_t& work_done, std::int64_t work_total, int phase);

// results[target][scheme][dt index]
using Sweep = std::vector<std::vector<std::vector<Sampled>>>;
// Every target with every scheme at every step size in `dts`.
Sweep sweep(const std::vector<Target>& targets, const std::vector<double>& dts, const RunSettings& rs,
            nn::ProgressLine& progress);

// The step sizes of --dt ("0.01,0.02,..."), sorted; throws std::invalid_argument naming a bad one.
std::vector<double> parse_steps(const std::string& text);

}  // namespace dg::langevin_sampling
