// lorentz_field: learns the unseen magnetic field of the Lorentz-force set (20 charges in 3D under
// Coulomb forces and q v x B, B = (0.5, 0.5, 0.5); the "L+ES" set of ClofNet that Aether's code
// also runs, experiments/lorentz) from trajectories alone, and measures how well B comes out.
//
// The field model (model.hpp) adds q v x B(x), B a neural field of the absolute position, to an
// equivariant interaction network (the EGNN layer of field discovery); the no-field baseline has
// the interactions only. Both train with the same budget on windows of frames, rolled out through
// the integrator on the tape (train.hpp), then forecast `horizon` frames of the test simulations
// from frame `observed - 1` (defaults: frame 30 to 40, the frames of Aether's lorentz task); the
// paper's measures per step (nn/forecast_metrics.hpp) and the recovered B against the true one
// (nn/field/field_metrics.hpp: median cosine, scale, relative L2) are reported (evaluate.hpp).
// No published figure for this set was found (docs/experiments/lorentz_field.md).
//
//   lorentz_field [--quick] [--check] [--quiet] [--out DIR] [--data DIR] [--steps N] ...  (--help)
//
// Outputs in --out: results.json, forecast_metrics.csv, training.svg, training_<model>.csv,
// checkpoint_<model>.npz. Exit status (examples/common/run_main.hpp): 0 done, 1 failed (a
// diverged training loss), 2 bad input, 3 a check failed (a diverged forecast always; a missed
// target with --check).
#include <cstdio>

#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/finish_run.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/rollout_training.hpp"
#include "examples/common/run_main.hpp"
#include "examples/lorentz_field/report.hpp"

using namespace dg;
using namespace dg::lorentz_field;

namespace {

int run(int argc, char** argv) {
  examples::Options opt("lorentz_field",
                        "Learns the uniform magnetic field of the Lorentz-force set, with a no-field baseline.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "lorentz_field");
  std::string& data_dir =
      opt.add("data", "", "data-set folder written by `dynagrad-data generate lorentz` (empty: generate)");
  int& train_sims = opt.add("train", 200, "training simulations to generate", 1, 1000000);
  int& test_sims = opt.add("test", 100, "test simulations to generate", 1, 1000000);
  int& steps = opt.add("steps", 1200, "training steps per model", 1, 100000000);
  int& batch = opt.add("batch", 16, "windows per step", 1, 100000);
  std::int64_t& shards = opt.add("shards", std::int64_t{0},
                                 "cut each batch into this many shards, one tape each, on the threads (0: one tape; "
                                 "results depend on this, not on threads; docs/distributed.md)",
                                 std::int64_t{0});
  int& window = opt.add("window", 2, "frames rolled out per training window", 1, 40);
  int& substeps = opt.add("substeps", 4, "integrator steps per frame (0.1 time units)", 1, 1000);
  double& lr = opt.add("lr", 3e-3, "Adam learning rate (warm-up, cosine decay)", 0.0, 1.0);
  double& clip = opt.add("clip", 10.0, "global gradient-norm clip (0: none)", 0.0, 1e9);
  double& velocity_weight =
      opt.add("velocity-weight", 1.0, "weight of the velocity error in the training loss", 0.0, 1e6);
  int& hidden = opt.add("hidden", 64, "width of the interaction network", 1, 4096);
  int& field_width = opt.add("field-width", 64, "width of the field MLP", 1, 4096);
  int& field_layers = opt.add("field-layers", 2, "hidden layers of the field MLP", 1, 16);
  int& fourier = opt.add("fourier", 32, "Fourier frequencies of the field", 1, 4096);
  double& sigma = opt.add("sigma", 0.1, "Fourier frequency scale (cycles per unit length)", 1e-6, 1e3);
  int& observed =
      opt.add("observed", 31, "frames observed before the forecast (it starts at frame observed - 1)", 1, 100000);
  int& horizon = opt.add("horizon", 10, "frames forecast", 1, 100000);
  opt.parse(argc, argv);
  if (so.quick) {  // smaller defaults; options given explicitly still win
    if (!opt.given("train")) train_sims = 40;
    if (!opt.given("test")) test_sims = 20;
    if (!opt.given("steps")) steps = 120;
    if (!opt.given("batch")) batch = 8;
    if (!opt.given("substeps")) substeps = 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  const LorentzData data =
      load_lorentz(data_dir, train_sims, test_sims, static_cast<std::uint64_t>(so.seed), observed + horizon);
  if (data.train.frames <= window)
    throw datasets::DatasetError(data.train.source + ": " + std::to_string(data.train.frames) +
                                 " frames, too few for --window " + std::to_string(window));
  std::printf("data: %s (%lld train, %lld test simulations of %lld particles)\n", data.origin.c_str(),
              static_cast<long long>(data.train.sims), static_cast<long long>(data.test.sims),
              static_cast<long long>(data.train.particles));

  std::vector<ModelResult> results;
  nn::ProgressLine progress(so.quiet);
  const ModelKind kinds[] = {ModelKind::Field, ModelKind::NoField};
  for (std::size_t m = 0; m < 2; ++m) {
    const ModelKind kind = kinds[m];
    Philox rng(static_cast<std::uint64_t>(so.seed), 100 + m);
    LorentzModel model({.kind = kind,
                        .hidden = hidden,
                        .fourier_features = fourier,
                        .fourier_sigma = sigma,
                        .field_width = field_width,
                        .field_layers = field_layers,
                        .force_cap = data.force_cap},
                       rng);
    const std::string name = model_name(kind);
    examples::announce_training(so.quiet, name, model.describe(), model.parameter_numel());
    ModelResult r{.kind = kind, .description = model.describe(), .parameters = model.parameter_numel()};
    r.training = train(model, data.train,
                       {.steps = steps,
                        .batch = batch,
                        .window = window,
                        .substeps = substeps,
                        .lr = lr,
                        .clip = clip,
                        .velocity_weight = velocity_weight,
                        .seed = static_cast<std::uint64_t>(so.seed),
                        .checkpoint_path = out + "checkpoint_" + name + ".npz",
                        .curve_path = out + "training_" + name + ".csv",
                        .shards = shards},
                       progress, static_cast<int>(m + 1), 2);
    r.forecast = forecast(model, data.test, observed, horizon, substeps);
    if (kind == ModelKind::Field) r.has_field = true, r.field = field_recovery(model, data);
    results.push_back(std::move(r));
  }
  progress.finish();
  const double seconds = examples::seconds_since(start);
  std::vector<int> table_steps{1};
  if (horizon >= 5) table_steps.push_back(5);
  if (horizon > 1 && horizon != 5) table_steps.push_back(horizon);
  print_table(results, table_steps, data);
  const std::vector<examples::Check> checks = make_checks(results, so.quick);
  return examples::finish_run(
      out, seconds, checks, so.check,
      "results.json, forecast_metrics.csv, training.svg, training_<model>.csv, checkpoint_<model>.npz", [&] {
        write_files(out, results);
        io::Json res = examples::results_header(opt, so.seed, seconds);
        add_results(res, results, data, checks);
        return res;
      });
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("lorentz_field", [&] { return run(argc, argv); });
}
