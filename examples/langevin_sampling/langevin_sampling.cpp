// langevin_sampling: how far the stationary distributions of three Langevin schemes are from the
// Boltzmann density, as the step size grows: BAOAB's configurational bias is far smaller than
// OBABO's and Euler-Maruyama's (Leimkuhler and Matthews 2013).
//
// Targets (kT = 1, unit masses, friction 1):
//   double well  U(x) = (x^2 - 1)^2 in 1D
//   mixture      U(x) = -log p(x), p an equal mixture of three isotropic Gaussians in 2D
//                (means (-1.5, 0), (1.5, 0), (0, 1.5), standard deviation 0.5)
// Many independent particles run as one state, started from the exact density (so there is no
// burn-in bias to wait out, only the scheme's own). After a short burn-in, positions are
// histogrammed every 0.1 time units; the measures are the total variation distance between the
// histogram and the exact bin probabilities, and the error in <|x|^2> with its standard error
// (from 32 independent groups of particles).
//
// The parts: data.hpp (the targets), evaluate.hpp (the runs and their measures), report.hpp
// (table, checks, files). No model or training: nothing is learned.
//
//   langevin_sampling [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ... (--help)
//
// Outputs in --out: results.json, sweep_<target>.csv, histogram_<target>.csv, tv_vs_dt.svg,
// x2_error_vs_dt.svg, histograms.svg.
#include <chrono>
#include <cstdio>

#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/finish_run.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/run_main.hpp"
#include "examples/langevin_sampling/report.hpp"

using namespace dg;
using namespace dg::langevin_sampling;

namespace {

int run(int argc, char** argv) {
  examples::Options opt("langevin_sampling",
                        "Samples a double well and a 2D Gaussian mixture with BAOAB, OBABO and Euler-Maruyama at several "
                        "step sizes and measures the bias of each.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "langevin_sampling");
  std::string& dt_list = opt.add("dt", "0.01,0.02,0.04,0.06,0.08,0.1,0.2", "step sizes, comma-separated");
  std::int64_t& particles = opt.add("particles", std::int64_t{20000}, "independent particles per run", std::int64_t{64},
                                    std::int64_t{10000000});
  double& sample_time = opt.add("time", 50.0, "sampling time per run (after the burn-in)", 0.1, 1e6);
  double& burn_in = opt.add("burn-in", 5.0, "burn-in time per run", 0.0, 1e6);
  opt.parse(argc, argv);
  if (so.quick) {
    if (!opt.given("particles")) particles = 4000;
    if (!opt.given("time")) sample_time = 20;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<double> dts = parse_steps(dt_list);
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  const RunSettings rs{particles, burn_in, sample_time, 0.1, static_cast<std::uint64_t>(so.seed)};

  const std::vector<Target> targets{double_well(), gaussian_mixture()};
  nn::ProgressLine progress(so.quiet);
  const Sweep results = sweep(targets, dts, rs, progress);
  progress.finish();
  const double seconds = examples::seconds_since(start);

  print_table(targets, dts, results, particles, sample_time);
  const std::vector<examples::Check> checks = make_checks(targets, dts, results);
  return examples::finish_run(
      out, seconds, checks, so.check,
      "results.json, sweep_*.csv, histogram_*.csv, tv_vs_dt.svg, x2_error_vs_dt.svg, histograms.svg", [&] {
        io::Json per_target = write_files(out, targets, dts, results);
        io::Json results_json = examples::results_header(opt, so.seed, seconds);
        results_json.set("step_sizes", io::Json(dts));
        results_json.set("targets", std::move(per_target));
        results_json.set("checks", examples::checks_json(checks));
        return results_json;
      });
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("langevin_sampling", [&] { return run(argc, argv); });
}
