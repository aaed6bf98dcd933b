// mean_field_langevin: optimising over probability measures with particles. The N-particle
// underdamped Langevin algorithm of Fu and Wilson ("Mean-field underdamped Langevin dynamics and
// its spacetime discretization", ICML 2024; integrators/mean_field.hpp) against the overdamped,
// first-order algorithm (mean-field Langevin dynamics, Euler-Maruyama) at equal numbers of
// gradient evaluations, on two mean-field objectives F(mu) + kT Entropy(mu):
//
//   regression  a two-layer network in the mean-field scaling, each neuron a particle
//               theta_i = (a_i, w_i, b_i): f(x) = (1/N) sum_i a_i tanh(w_i x + b_i), trained on
//               n samples of y = sin(2x) + 0.3x on [-2, 2]; F = 1/2 E (f(x) - y)^2 + l2/2 E|theta|^2;
//   mmd         particles in 2D as samples: F = MMD^2 (Gaussian kernel) between the particles
//               and a fixed target sample (a mixture of four Gaussians).
//
// The drift of particle i is the gradient of the first variation, -grad dF/dmu (mu_N)(x_i),
// which is N times the gradient of F(mu_N) with respect to x_i: one backward pass on the tape per
// step, for all particles at once. Each step of either algorithm costs one gradient evaluation
// (plus one at the start). The plotted objective is F without the entropy term (the term kT
// weighs is not estimated), recorded at every evaluation.
//
// The parts: data.hpp (samples, target, initial particles), model.hpp (the objectives), train.hpp
// (the two algorithms), evaluate.hpp (comparisons, the learned function), report.hpp (table,
// checks, files).
//
//   mean_field_langevin [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ...  (--help)
//
// Outputs in --out: results.json, regression.csv, mmd.csv (objective per evaluation),
// objective.svg (objective vs evaluations), fits.svg (the learned function, the particles).
#include <chrono>
#include <cstdio>

#include "autodiff/parallel.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/finish_run.hpp"
#include "examples/common/output_dir.hpp"
#include "examples/common/run_main.hpp"
#include "examples/mean_field_langevin/data.hpp"
#include "examples/mean_field_langevin/model.hpp"
#include "examples/mean_field_langevin/report.hpp"

using namespace dg;
using namespace dg::mean_field_langevin;

namespace {

int run(int argc, char** argv) {
  examples::Options opt("mean_field_langevin",
                        "Underdamped vs overdamped mean-field Langevin: a mean-field network and MMD descent.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "mean_field_langevin");
  std::int64_t& evaluations = opt.add("evaluations", std::int64_t{4000}, "gradient evaluations per run", std::int64_t{2});
  int& neurons = opt.add("neurons", 256, "particles (neurons) of the mean-field network", 1, 1000000);
  int& samples = opt.add("samples", 128, "training samples of the regression", 1, 1000000);
  double& l2 = opt.add("l2", 1e-3, "L2 weight on the particles (regression)", 0.0, 100.0);
  int& mmd_particles = opt.add("mmd-particles", 200, "particles of the MMD descent", 1, 1000000);
  int& mmd_target = opt.add("mmd-target", 400, "points of the target sample", 1, 1000000);
  double& sigma = opt.add("sigma", 1.0, "bandwidth of the Gaussian kernel (MMD)", 1e-6, 1e6);
  double& kT = opt.add("kT", 1e-4, "entropic regularisation (temperature) of both objectives", 0.0, 100.0);
  double& dt_under = opt.add("dt-under", 0.5, "step of the underdamped algorithm", 1e-9, 100.0);
  double& gamma = opt.add("gamma", 1.0, "friction of the underdamped algorithm", 0.0, 1e6);
  double& dt_over = opt.add("dt-over", 0.5, "step of the overdamped algorithm (Euler-Maruyama, gamma 1)", 1e-9, 100.0);
  double& mmd_scale = opt.add("mmd-step-scale", 1.0, "multiplies both steps for the MMD runs", 1e-6, 1e6);
  opt.parse(argc, argv);
  if (so.quick && !opt.given("evaluations")) evaluations = 1000;
  const auto start = std::chrono::steady_clock::now();
  const std::string out = examples::prepare_output_dir(so.out);
  set_num_threads(so.threads);
  const auto seed = static_cast<std::uint64_t>(so.seed);

  const MeanFieldData data = make_data(samples, neurons, mmd_target, mmd_particles, seed);
  const Regression reg{data.x, data.y, l2};
  const MMD mmd = make_mmd(data.target, sigma);

  // Four runs: each objective with each algorithm, the same start and noise seed.
  Results r;
  r.under = {true, dt_under, gamma, kT};
  r.over = {false, dt_over, 1.0, kT};
  r.under_mmd = {true, dt_under * mmd_scale, gamma, kT};
  r.over_mmd = {false, dt_over * mmd_scale, 1.0, kT};
  nn::ProgressLine progress(so.quiet);
  const Functional reg_f = reg, mmd_f = mmd;
  r.reg_under = run(r.under, reg_f, data.theta0, evaluations, seed + 10, progress, 1, 4);
  r.reg_over = run(r.over, reg_f, data.theta0, evaluations, seed + 10, progress, 2, 4);
  r.mmd_under = run(r.under_mmd, mmd_f, data.x0, evaluations, seed + 11, progress, 3, 4);
  r.mmd_over = run(r.over_mmd, mmd_f, data.x0, evaluations, seed + 11, progress, 4, 4);
  progress.finish();
  r.reg_c = compare(r.reg_under, r.reg_over);
  r.mmd_c = compare(r.mmd_under, r.mmd_over);

  // The learned functions on a grid (for the picture and the test error against sin(2x) + 0.3x).
  const index_t grid = 201;
  r.xg = Tensor<double>(Shape{grid, 1});
  for (index_t i = 0; i < grid; ++i) r.xg[i] = -2.0 + 4.0 * double(i) / double(grid - 1);
  r.f_under = predict(r.reg_under.final_particles, r.xg);
  r.f_over = predict(r.reg_over.final_particles, r.xg);
  r.mmd_target = data.target;
  const double seconds = examples::seconds_since(start);

  print_table(r, evaluations, gamma, kT);
  const std::vector<examples::Check> checks = make_checks(r);
  return examples::finish_run(out, seconds, checks, so.check,
                              "results.json, regression.csv, mmd.csv, objective.svg, fits.svg", [&] {
                                write_files(out, r, evaluations);
                                io::Json results = examples::results_header(opt, so.seed, seconds);
                                add_results(results, r, checks);
                                return results;
                              });
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("mean_field_langevin", [&] { return run(argc, argv); });
}
