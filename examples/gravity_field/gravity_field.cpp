// gravity_field: a dynamic field learned from trajectories (Aether's gravitational set, Kofinas
// et al., NeurIPS 2023). Five unit masses move in 3D around a heavy fixed mass (10) that sits
// somewhere else in every simulation and is never observed. A latent code summarising the
// observed frames conditions a neural field through FiLM, so the one network represents a
// different field in every simulation; forecasts of 5 frames after 44 observed are compared
// with the same model without the field.
//
// A small version of the published setting (our choices, stated): models learn ACCELERATIONS,
// read from the data as finite differences a = (v(t+1) - v(t)) / dt_frame at the midpoint
// position, and forecasts integrate them with velocity Verlet (substeps per frame):
//   pairwise   a_i = sum_j (x_j - x_i) exp(g(log(|x_j - x_i|^2 + 0.01)))   (both models; g an MLP,
//              a radial force: equivariant, able to learn softened gravity, blind to the heavy mass)
//   field      + E(x_i | z), E a NeuralField of the absolute position (Fourier features) modulated
//              by FiLM with the code z = mean over the observed (frame, particle) pairs of
//              MLP([x, a / |a| log(1 + |a|)]) of that simulation (a set encoder).
// Loss: |a_pred - a|^2 / (|a| + 1)^2 (the close passes near the heavy mass do not dominate).
// Measures: forecast position error (mean L2) at steps 1..5 for both models and constant velocity;
// for the field model, the cosine between learned and true heavy-mass field around the mass.
//
// The parts: data.hpp (splits with accelerations), model.hpp, train.hpp, evaluate.hpp (forecasts,
// field recovery), report.hpp (table, checks, files).
//
//   gravity_field [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ...  (--help)
//
// Outputs in --out: results.json, training.csv, forecast.csv, training.svg, forecast.svg,
// field.svg (learned and true field in the plane of the heavy mass of a test simulation).
#include <chrono>
#include <cstdio>

#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/run_main.hpp"
#include "examples/gravity_field/report.hpp"
#include "examples/gravity_field/train.hpp"

using namespace dg;
using namespace dg::gravity_field;

namespace {

int run(int argc, char** argv) {
  examples::Options opt("gravity_field", "A latent-code-conditioned neural field for the dynamic gravitational field.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "gravity_field");
  std::int64_t& n_train = opt.add("train", std::int64_t{2000}, "training simulations", std::int64_t{1});
  std::int64_t& n_test = opt.add("test", std::int64_t{200}, "test simulations", std::int64_t{1});
  std::int64_t& observed = opt.add("observed", std::int64_t{44}, "observed frames", std::int64_t{2});
  std::int64_t& horizon = opt.add("horizon", std::int64_t{5}, "forecast frames", std::int64_t{1});
  std::int64_t& steps = opt.add("steps", std::int64_t{10000}, "training steps per model", std::int64_t{1});
  std::int64_t& sims_per_step = opt.add("batch", std::int64_t{16}, "simulations per step", std::int64_t{1});
  std::int64_t& frames_per_sim = opt.add("frames-per-sim", std::int64_t{4}, "frames per simulation per step", std::int64_t{1});
  std::int64_t& stride = opt.add("context-stride", std::int64_t{4}, "every how many observed frames the encoder reads", std::int64_t{1});
  double& lr = opt.add("lr", 2e-3, "peak Adam learning rate (warm-up, cosine decay)", 1e-8, 1.0);
  int& hidden = opt.add("hidden", 64, "width of every MLP", 1, 4096);
  int& code = opt.add("code", 16, "latent code size", 1, 4096);
  int& substeps = opt.add("substeps", 20, "velocity-Verlet substeps per frame in forecasts", 1, 100000);
  opt.parse(argc, argv);
  if (so.quick) {
    if (!opt.given("train")) n_train = 500;
    if (!opt.given("test")) n_test = 100;
    if (!opt.given("steps")) steps = 2000;
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  const GravityData data = load_gravity(n_train, n_test, so.seed, observed, horizon);
  const auto seed = static_cast<std::uint64_t>(so.seed);
  std::printf("data: gravitational, %lld training and %lld test simulations, %lld observed + %lld forecast frames\n",
              static_cast<long long>(n_train), static_cast<long long>(n_test), static_cast<long long>(observed),
              static_cast<long long>(horizon));

  // Both models from the same pairwise initialisation, the same batches.
  const Sizes sizes{hidden, code, 64, 0.3};
  nn::ProgressLine progress(so.quiet);
  Philox rng_a(seed, 1), rng_b(seed, 1);
  GravityModel field_model(true, sizes, rng_a), plain_model(false, sizes, rng_b);
  const TrainSettings ts{steps, sims_per_step, frames_per_sim, observed, stride, lr, seed + 5};
  Results r;
  r.loss_field = train(field_model, data.train, ts, progress, 1);
  r.loss_plain = train(plain_model, data.train, ts, progress, 2);
  progress.finish();

  r.err_field = forecast_errors(&field_model, data.test, observed, horizon, substeps, stride);
  r.err_plain = forecast_errors(&plain_model, data.test, observed, horizon, substeps, stride);
  r.err_const = forecast_errors(nullptr, data.test, observed, horizon, substeps, stride);
  r.recovery = field_recovery(field_model, data, observed, stride, seed);
  const double seconds = examples::seconds_since(start);

  print_table(r, horizon);
  const std::vector<examples::Check> checks = make_checks(r);
  r.plane = field_plane(field_model, data, observed, stride);
  write_files(out, r, observed);
  io::Json results = examples::results_header(opt, so.seed, seconds);
  add_results(results, r, checks);
  io::write_json(out + "results.json", results);
  std::printf("%.1f s in all; wrote results.json, training.csv, forecast.csv, training.svg, forecast.svg, field.svg to %s\n",
              seconds, out.c_str());
  return examples::print_checks(checks, so.check);
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("gravity_field", [&] { return run(argc, argv); });
}
