// field_discovery: learns the unseen electrostatic field of Aether's data set (Kofinas et al.,
// NeurIPS 2023) from trajectories alone, and measures how well the field comes out.
//
// Charged particles move under their mutual Coulomb forces and the field of 20 fixed sources that
// the model never sees. The field model (model.hpp) adds a neural field of the absolute position,
// coupled through each particle's charge, to an equivariant interaction network; the no-field
// baseline has the interactions only; the absolute baseline is one network of absolute positions.
// The aether kind (--models aether) is the paper's structure for comparison: the field's value as
// an input of a local-frame interaction network predicting residual frame updates. --published
// runs Aether's split sizes with whole-run progress lines (run_clock.hpp); --resume continues it.
// All three train with the same budget on windows of frames (train.hpp), then forecast 20 frames
// of the test simulations; the field model's field is compared with the true one (evaluate.hpp).
// --attribute-errors also forecasts the field model with its interactions or its field replaced by
// the truth: which part the error comes from (evaluate.hpp).
//
//   field_discovery [--quick] [--out DIR] [--data DIR] [--resume] [--check] ...   (--help lists all)
//
// Outputs in --out: results.json, training_<model>.csv, forecast_metrics.csv, field.svg,
// trajectories.svg, training.svg, field_discovery.npz, checkpoint_<model>.npz (report.hpp lists
// the arrays), and for the field model sources.svg (its sources recovered, sources.hpp).
// --device cuda trains on the GPU (--device emulated: the GPU's kernels on the host, docs/cuda.md);
// the evaluation then runs on the CPU with the trained parameters copied back.
// Exit status (examples/common/run_main.hpp): 0 done, 1 failed (e.g. a diverged training loss),
// 2 bad input (options, data, a checkpoint that does not fit or was made with other settings),
// 3 a check failed (a diverged forecast always; a missed target with --check), 4 --interrupt-after.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "autodiff/parallel.hpp"
#include "cuda/device_backends.hpp"
#include "datasets/error.hpp"
#include "datasets/shard_windows.hpp"
#include "distributed/shards.hpp"
#include "distributed/world.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/finish_run.hpp"
#include "examples/common/model_list.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/rollout_training.hpp"
#include "examples/common/run_main.hpp"
#include "examples/field_discovery/point_sources.hpp"
#include "examples/field_discovery/report.hpp"
#include "examples/field_discovery/run_clock.hpp"
#include "examples/field_discovery/sources.hpp"
#include "nn/device.hpp"

using namespace dg;
using namespace dg::field_discovery;

namespace {

// The settings a checkpoint must have been made with to be resumed: those that change the
// training trajectory (data, model, optimiser, batches). --threads, --out, --quiet and the
// evaluation options may differ.
nn::Settings training_settings(const examples::Options& opt, bool field_sources) {
  nn::Settings out =
      opt.values_of({"data", "train", "test", "steps", "batch", "window", "substeps", "lr", "clip", "relative-floor",
                     "velocity-weight", "hidden", "field-width", "field-layers", "fourier", "sigma", "seed"});
  if (field_sources) {  // the field_sources model's own training, and the field model it starts from
    const nn::Settings more = opt.values_of({"source-steps", "source-lr", "source-substeps", "source-softening"});
    out.insert(out.end(), more.begin(), more.end());
  }
  // Shards change the bits of a step; a checkpoint made without them records none.
  for (const auto& [name, value] : opt.values())
    if ((name == "shards" && value != "0") || (name == "shard-data" && opt.given("shard-data")))
      out.emplace_back(name, value);
  return out;
}

int run(int argc, char** argv) {
  examples::Options opt("field_discovery",
                        "Learns the unseen field of the electrostatic data set from trajectories, with two baselines.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "field_discovery", 1);
  std::string& data_dir = opt.add("data", "", "data-set folder written by dynagrad-data (empty: generate in memory)");
  int& train_sims = opt.add("train", int{4000}, "training simulations to generate", 1, 1000000);
  int& test_sims = opt.add("test", int{500}, "test simulations to generate", 1, 1000000);
  std::string& models =
      opt.add("models", "field,no_field,absolute",
              "models to train: field, no_field, absolute, aether, field_sources (after field: starts from it)");
  int& steps = opt.add("steps", int{2500}, "training steps per model", 1, 100000000);
  int& batch = opt.add("batch", int{100}, "windows per step", 1, 100000);
  // 2 shards: twice the speed of one tape on 2 cores, same quality (docs/distributed.md, "Measured").
  std::int64_t& shards = opt.add("shards", std::int64_t{2},
                                 "cut each batch into this many shards, one tape each, on the threads and MPI ranks "
                                 "(0: one tape, as before issue 18; results depend on this, not on threads or ranks; "
                                 "docs/distributed.md)",
                                 std::int64_t{0});
  int& window = opt.add("window", int{2}, "frames rolled out per training window", 1, 40);
  int& substeps = opt.add("substeps", 10, "integrator steps per frame (0.1 time units)", 1, 1000);
  double& lr = opt.add("lr", 3e-3, "Adam learning rate (warm-up 100 steps, cosine decay)", 0.0, 1.0);
  double& clip = opt.add("clip", 10.0, "global gradient-norm clip (0: none)", 0.0, 1e9);
  double& relative_floor = opt.add("relative-floor", 1.5, "weight errors by 1/(|a| + this)^2 (0: plain MSE)", 0.0, 1e6);
  double& velocity_weight = opt.add("velocity-weight", 1.0, "weight of the velocity error in the training loss", 0.0, 1e6);
  int& hidden = opt.add("hidden", 64, "width of the interaction network", 1, 4096);
  int& field_width = opt.add("field-width", 128, "width of the field MLP", 1, 4096);
  int& field_layers = opt.add("field-layers", 3, "hidden layers of the field MLP", 1, 16);
  int& fourier = opt.add("fourier", 64, "Fourier frequencies of the field", 1, 4096);
  double& sigma = opt.add("sigma", 0.3, "Fourier frequency scale (cycles per unit length)", 1e-6, 1e3);
  int& source_steps = opt.add("source-steps", int{1000}, "training steps of the field_sources model", 1, 100000000);
  double& source_lr = opt.add("source-lr", 3e-4, "its Adam learning rate (warm-up, cosine decay)", 0.0, 1.0);
  int& source_substeps =
      opt.add("source-substeps", 0, "its integrator steps per frame in training (0: --substeps)", 0, 10000);
  double& source_softening = opt.add("source-softening", 0.01, "softening of its point sources", 0.0, 10.0);
  int& grid_points = opt.add("grid", 60, "field grid points per axis", 4, 2000);
  int& source_grid = opt.add("source-grid", 80, "grid points per axis of the source recovery (sources.hpp)", 8, 1000);
  double& exclusion = opt.add("exclusion", 0.3, "grid points this close to a source are not evaluated", 0.0, 100.0);
  int& forecast_substeps =
      opt.add("forecast-substeps", 0, "integrator steps per frame of the forecasts (0: --substeps)", 0, 10000);
  int& observed = opt.add("observed", int{29}, "observed frames before the forecast", 1, 100000);
  int& horizon = opt.add("horizon", int{20}, "frames forecast", 1, 100000);
  int& checkpoint_every = opt.add("checkpoint-every", int{500}, "steps between checkpoints", 0, 100000000);
  int& interrupt_after = opt.add("interrupt-after", -1, "stop after this many steps, as an interruption would (-1: never)", -1);
  bool& published =
      opt.flag("published",
               "the published split sizes, 50,000 training and 10,000 test simulations (Aether's), and the "
               "models field, aether and no_field at 20,000 steps each: 50 minutes on 2 shared cores (measured); "
               "progress lines with the time left; resumable with --resume");
  bool& shard_data = opt.flag("shard-data",
                              "with --shards S: shard s trains on its own block of the training simulations, and each "
                              "MPI rank generates or reads only the blocks of its shards (docs/distributed.md)");
  bool& attribute_errors =
      opt.flag("attribute-errors",
               "also forecast with the field model's interactions and the true source field, and with the true pair "
               "forces and its learned field: which part the forecast error comes from (results.json: "
               "error_attribution)");
  bool& resume = opt.flag("resume", "continue each model from its checkpoint in --out when there is one");
  bool& allow_changed = opt.flag("allow-changed-settings", "with --resume: accept a checkpoint made with other settings");
  std::string& device_option =
      opt.add("device", "cpu",
              "where the models train: cpu, cuda (a -Dcuda=enabled build), or emulated (the GPU's kernels on the host, "
              "slow: a check without a GPU); off the CPU --shards defaults to 0 and the evaluation runs on the CPU");
  opt.parse(argc, argv);
  const Device device = parse_device(device_option.c_str());
  if (device != Device::CPU) {
    cuda::register_device_backends();
    cuda::require_device(device);
    if (!opt.given("shards")) shards = 0;  // one tape on the device
  }
  if (so.quick) {  // smaller defaults; options given explicitly still win
    if (!opt.given("train")) train_sims = 300;
    if (!opt.given("test")) test_sims = 100;
    if (!opt.given("steps")) steps = 300;
    if (!opt.given("batch")) batch = 50;
    if (!opt.given("substeps")) substeps = 5;
    if (!opt.given("grid")) grid_points = 30;
    if (!opt.given("source-grid")) source_grid = 60;
  }

  if (published) {  // options given explicitly still win
    if (so.quick) throw std::invalid_argument("--quick and --published contradict each other");
    if (!opt.given("train")) train_sims = 50000;
    if (!opt.given("test")) test_sims = 10000;
    if (!opt.given("steps")) steps = 20000;
    if (!opt.given("models")) models = "field,aether,no_field";
    if (!opt.given("checkpoint-every")) checkpoint_every = 1000;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<ModelKind> kinds = examples::parse_models(
      models, {ModelKind::Field, ModelKind::NoField, ModelKind::Absolute, ModelKind::Aether, ModelKind::FieldSources},
      model_name);
  {  // field_sources starts from the field model trained before it in the same run
    const auto field_at = std::find(kinds.begin(), kinds.end(), ModelKind::Field);
    const auto sources_at = std::find(kinds.begin(), kinds.end(), ModelKind::FieldSources);
    if (sources_at != kinds.end() && field_at > sources_at)
      throw std::invalid_argument("--models: field_sources starts from the field model: list field before it");
  }
  if (horizon < 10) throw std::invalid_argument("--horizon: at least 10 frames (errors are reported at steps 1, 10 and the last)");
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  if (data_dir.empty() && train_sims + test_sims > 10000) {
    std::printf(
        "generating %d + %d simulations in memory (a few minutes; dynagrad-data generate electrostatic "
        "--published --seed %lld --out DIR, then --data DIR, does it once for every resume)\n",
        train_sims, test_sims, static_cast<long long>(so.seed));
    std::fflush(stdout);
  }
  if (shard_data && shards < distributed::world().size())
    throw std::invalid_argument("--shard-data: each of the " + std::to_string(distributed::world().size()) +
                                " ranks must own a shard, --shards is " + std::to_string(shards));
  const std::pair<std::int64_t, std::int64_t> owned = distributed::owned_shards(
      std::max<std::int64_t>(shards, 1), distributed::world().size(), distributed::world().rank());
  const ElectrostaticData data = load_electrostatic(
      data_dir, train_sims, test_sims, static_cast<std::uint64_t>(so.seed), observed + horizon,
      shard_data ? examples::TrainShards{shards, owned.first, owned.second} : examples::TrainShards{});
  if (data.train.frames <= window)
    throw datasets::DatasetError(data.train.source + ": " + std::to_string(data.train.frames) +
                                 " frames, too few for --window " + std::to_string(window));
  std::printf("data: %s (%lld train, %lld test simulations, %lld particles, %lld sources)\n", data.origin.c_str(),
              static_cast<long long>(data.train_sims), static_cast<long long>(data.test.sims),
              static_cast<long long>(data.train.particles), static_cast<long long>(data.source_charges.numel()));
  if (shard_data) {
    const auto [first, last] = datasets::simulation_block(data.train_sims, shards, owned.first, owned.second);
    std::printf("data per shard: rank %d holds shards [%lld, %lld), training simulations [%lld, %lld)\n",
                distributed::world().rank(), static_cast<long long>(owned.first), static_cast<long long>(owned.second),
                static_cast<long long>(first), static_cast<long long>(last));
  }

  const FieldGrid grid = make_field_grid(data, grid_points, exclusion);  // checks the sources before training
  const nn::Settings settings = training_settings(opt, false);
  std::vector<ModelResult> results;
  std::optional<SourceReport> sources;  // of the field model
  struct Attribution {
    ModelKind kind;
    TruePart part;
    Forecast forecast;
  };
  std::vector<Attribution> attribution;        // of the field models, with --attribute-errors
  std::unique_ptr<DynamicsModel> field_model;  // the trained field model, for field_sources
  const int eval_substeps = forecast_substeps > 0 ? forecast_substeps : substeps;  // of every forecast
  nn::ProgressLine progress(so.quiet || distributed::world().rank() != 0);  // under MPI, rank 0 reports
  // Whole-run progress lines every 60 s with --published (evaluation ~ test * horizon / 600 steps).
  std::vector<std::int64_t> clock_steps;  // per model
  std::vector<double> clock_cost;         // per model: its substeps per training frame, relative
  for (const ModelKind k : kinds) {
    const bool s = k == ModelKind::FieldSources;
    clock_steps.push_back(s ? source_steps : steps);
    clock_cost.push_back(s && source_substeps > 0 ? double(source_substeps) / substeps : 1.0);
  }
  RunClock clock(kinds, clock_steps, clock_cost, double(test_sims) * horizon / 600.0,
                 published && distributed::world().rank() == 0 ? 60.0 : 1e300, start);
  if (published && distributed::world().rank() == 0) std::printf("data ready after %.1f s\n", examples::seconds_since(start));
  for (std::size_t m = 0; m < kinds.size(); ++m) {
    const ModelKind kind = kinds[m];
    Philox rng(static_cast<std::uint64_t>(so.seed), 100 + static_cast<std::uint64_t>(kind));
    const bool with_sources = kind == ModelKind::FieldSources;
    auto owned_model = std::make_unique<DynamicsModel>(
        ModelOptions{.kind = kind,
                     .hidden = hidden,
                     .fourier_features = fourier,
                     .fourier_sigma = sigma,
                     .field_width = field_width,
                     .field_layers = field_layers,
                     .accel_cap = data.force_cap,
                     .point_sources = with_sources ? static_cast<index_t>(sources->recovery.sources.size()) : 0,
                     .source_softening = source_softening},
        rng);
    DynamicsModel& model = *owned_model;
    const std::string name = model_name(kind);
    if (with_sources) {  // from the field model: its sources placed, its network refit to the rest
      const SourceStart s = start_from_field(model, *field_model, sources->recovery.sources, density_positions(data));
      if (!so.quiet)
        std::printf(
            "field_sources: starts from the field model with its %zu recovered sources; network refit to "
            "the rest on %lld positions (%lld within the cores left out): error %.3g -> %.3g, %.1f s\n",
            sources->recovery.sources.size(), static_cast<long long>(s.points), static_cast<long long>(s.left_out),
            s.error_before, s.error_after, s.seconds);
    }
    nn::to_device(model, device);  // parameters, gradients and then Adam's state
    examples::announce_training(so.quiet, name, model.describe(), model.parameter_numel());
    clock.start_model(m);
    ModelResult r;
    r.kind = kind;
    r.description = model.describe();
    r.parameters = model.parameter_numel();
    r.training = train(model, data.train,
                       {.steps = with_sources ? source_steps : steps,
                        .batch = batch,
                        .window = window,
                        .substeps = with_sources && source_substeps > 0 ? source_substeps : substeps,
                        .lr = with_sources ? source_lr : lr,
                        .clip = clip,
                        .velocity_weight = velocity_weight,
                        .relative_floor = with_sources ? 0.0 : relative_floor,
                        .seed = static_cast<std::uint64_t>(so.seed),
                        .checkpoint_every = checkpoint_every,
                        .resume = resume,
                        .settings = with_sources ? training_settings(opt, true) : settings,
                        .allow_changed_settings = allow_changed,
                        .checkpoint_path = out + "checkpoint_" + name + ".npz",
                        .curve_path = out + "training_" + name + ".csv",
                        .stop_after = interrupt_after,
                        .on_step = [&](std::int64_t step) { clock.step(step); },
                        .shards = shards,
                        .shard_data = shard_data,
                        .train_sims = data.train_sims},
                       progress, static_cast<int>(m + 1), static_cast<int>(kinds.size()));
    if (r.training.stopped) {
      std::printf("%s: stopped by --interrupt-after; its checkpoint is saved, run again with --resume\n", name.c_str());
      return examples::kExitInterrupted;
    }
    nn::to_device(model, Device::CPU);  // the evaluation runs on the CPU
    r.forecast = forecast(model, data.test, observed, horizon, eval_substeps);
    if (kind == ModelKind::Field || with_sources) {
      r.has_field = true;
      r.field = learned_field(model, grid);
      r.field_metrics = field_metrics(grid, r.field);
      if (kind == ModelKind::Field) sources = find_sources(model, data, grid, source_grid);
      if (with_sources) r.point_sources = model.point_sources();
      if (attribute_errors)
        for (const TruePart part : {TruePart::SourceField, TruePart::PairForces})
          attribution.push_back(
              {kind, part, forecast_with_true_part(model, data, part, observed, horizon, eval_substeps)});
    }
    results.push_back(std::move(r));
    if (kind == ModelKind::Field) field_model = std::move(owned_model);  // field_sources starts from it
  }

  const double seconds = examples::seconds_since(start);
  std::vector<Check> checks = make_checks(results, so.quick);
  if (sources) {
    const std::vector<Check> more = source_checks(*sources, so.quick);
    checks.insert(checks.end(), more.begin(), more.end());
  }
  print_table(results, {1, 10, static_cast<int>(horizon)});
  const Forecast truth = forecast_true_physics(data, observed, horizon, eval_substeps);
  const std::vector<int> steps_shown = {1, 10, static_cast<int>(horizon)};
  print_reference_forecast(
      "(truth)", truth, steps_shown,
      "the true forces through our rollout, " + std::to_string(eval_substeps) + " substeps per frame");
  for (const Attribution& a : attribution) {
    const bool field_part = a.part == TruePart::SourceField, plain = a.kind == ModelKind::Field;
    print_reference_forecast(field_part ? (plain ? "(+field)" : "(S+field)") : (plain ? "(+pairs)" : "(S+pairs)"),
                             a.forecast, steps_shown,
                             std::string("the ") + model_name(a.kind) + " model with the true " +
                                 (field_part ? "source field" : "pair forces"));
  }
  print_divergences(results);
  if (sources) print_sources(*sources);
  for (const ModelResult& r : results)
    if (!r.point_sources.empty()) print_learned_sources(r.point_sources, true_sources(data));
  return examples::finish_run(out, seconds, checks, so.check,
                              "results.json, field.svg, trajectories.svg, training.svg, field_discovery.npz", [&] {
                                write_files(out, results, data, grid, observed);
                                io::Json json = results_json(results, checks, opt.values(), data, grid, seconds);
                                json.set("true_physics", reference_forecast_json(truth, eval_substeps));
                                for (const ModelKind k : {ModelKind::Field, ModelKind::FieldSources}) {
                                  io::Json parts = io::Json::object();
                                  bool any = false;
                                  for (const Attribution& a : attribution)
                                    if (a.kind == k) {
                                      parts.set(true_part_name(a.part),
                                                reference_forecast_json(a.forecast, eval_substeps));
                                      any = true;
                                    }
                                  if (any)  // the field model's under its old name
                                    json.set(k == ModelKind::Field ? std::string("error_attribution")
                                                                   : std::string("error_attribution_") + model_name(k),
                                             parts);
                                }
                                for (const ModelResult& r : results)
                                  if (!r.point_sources.empty())
                                    json.set("field_sources_point_sources",
                                             learned_sources_json(r.point_sources, true_sources(data)));
                                if (sources) {
                                  json.set("source_recovery", sources_json(*sources));
                                  write_sources_svg(out + "sources.svg", *sources);
                                }
                                return json;
                              });
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("field_discovery", [&] { return run(argc, argv); });
}

