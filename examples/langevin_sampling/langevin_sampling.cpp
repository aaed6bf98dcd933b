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
//   langevin_sampling [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ... (--help)
//
// Outputs in --out: results.json, sweep_<target>.csv, histogram_<target>.csv, tv_vs_dt.svg,
// x2_error_vs_dt.svg, histograms.svg.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <numbers>
#include <sstream>

#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/output_dir.hpp"
#include "integrators/integrators.hpp"
#include "io/csv.hpp"
#include "io/svg.hpp"
#include "nn/progress.hpp"

using namespace dg;
namespace ig = dg::integrators;

namespace {

// ---- targets ---------------------------------------------------------------------------------

// A density to sample, with what is needed to compare samples against it. The histogram covers
// [lo, hi]^dim with `bins` bins per axis (row-major in 2D: bin (i, j) = j * bins + i).
struct Target {
  std::string name;
  index_t dim = 1;
  double lo = 0, hi = 0;
  index_t bins = 0;
  std::function<void(const Tensor<double>& q, Tensor<double>& a)> accel;  // a = -grad U
  std::vector<double> bin_probability;                                    // exact, (bins^dim)
  double mean_r2 = 0;                                                     // exact <|x|^2>
  std::function<void(Philox& rng, Tensor<double>& q)> sample_exact;      // q (N, dim)
};

Target double_well() {
  Target t{.name = "double_well", .dim = 1, .lo = -2.5, .hi = 2.5, .bins = 100, .accel = {}, .bin_probability = {},
           .mean_r2 = 0, .sample_exact = {}};
  t.accel = [](const Tensor<double>& q, Tensor<double>& a) {
    for (index_t i = 0; i < q.numel(); ++i) a[i] = -4 * q[i] * (q[i] * q[i] - 1);
  };
  // The density on a fine grid over [-3, 3] (beyond, exp(-U) < 1e-27): bin masses, <x^2> and a
  // table of the cumulative distribution for exact samples.
  const int fine = 64;  // grid points per bin
  const double h = (t.hi - t.lo) / double(t.bins * fine);
  std::vector<double> x, cdf{0};
  for (double xi = -3 + h / 2; xi < 3; xi += h) x.push_back(xi);
  double total = 0, r2 = 0;
  t.bin_probability.assign(static_cast<std::size_t>(t.bins), 0.0);
  for (double xi : x) {
    const double p = std::exp(-(xi * xi - 1) * (xi * xi - 1)) * h;
    total += p;
    r2 += p * xi * xi;
    cdf.push_back(total);
    const auto b = static_cast<index_t>(std::floor((xi - t.lo) / (t.hi - t.lo) * double(t.bins)));
    if (b >= 0 && b < t.bins) t.bin_probability[static_cast<std::size_t>(b)] += p;
  }
  for (double& p : t.bin_probability) p /= total;
  for (double& c : cdf) c /= total;
  t.mean_r2 = r2 / total;
  t.sample_exact = [x, cdf, h](Philox& rng, Tensor<double>& q) {
    for (index_t i = 0; i < q.numel(); ++i) {
      const double u = rng.uniform01();
      const auto k = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin()) - 1;
      const double frac = (u - cdf[k]) / (cdf[k + 1] - cdf[k]);
      q[i] = x[std::min(k, x.size() - 1)] - h / 2 + frac * h;
    }
  };
  return t;
}

Target gaussian_mixture() {
  static constexpr double mu[3][2] = {{-1.5, 0}, {1.5, 0}, {0, 1.5}};
  static constexpr double sd = 0.5;
  Target t{.name = "mixture", .dim = 2, .lo = -3, .hi = 3, .bins = 40, .accel = {}, .bin_probability = {},
           .mean_r2 = 0, .sample_exact = {}};
  // a = grad log p = sum_k r_k (mu_k - x) / sd^2, r_k the responsibilities.
  t.accel = [](const Tensor<double>& q, Tensor<double>& a) {
    for (index_t i = 0; i < q.rows(); ++i) {
      double w[3], wsum = 0, ax = 0, ay = 0;
      for (int k = 0; k < 3; ++k) {
        const double dx = q(i, 0) - mu[k][0], dy = q(i, 1) - mu[k][1];
        w[k] = std::exp(-(dx * dx + dy * dy) / (2 * sd * sd));
        wsum += w[k];
      }
      for (int k = 0; k < 3; ++k) ax += w[k] * (mu[k][0] - q(i, 0)), ay += w[k] * (mu[k][1] - q(i, 1));
      a(i, 0) = ax / (wsum * sd * sd);
      a(i, 1) = ay / (wsum * sd * sd);
    }
  };
  // Bin masses from the normal distribution function, axis by axis.
  auto mass = [](double a, double b, double m) {
    return 0.5 * (std::erfc((a - m) / (sd * std::numbers::sqrt2)) - std::erfc((b - m) / (sd * std::numbers::sqrt2)));
  };
  const double w = (t.hi - t.lo) / double(t.bins);
  t.bin_probability.assign(static_cast<std::size_t>(t.bins * t.bins), 0.0);
  for (index_t j = 0; j < t.bins; ++j)
    for (index_t i = 0; i < t.bins; ++i)
      for (int k = 0; k < 3; ++k)
        t.bin_probability[static_cast<std::size_t>(j * t.bins + i)] +=
            mass(t.lo + double(i) * w, t.lo + double(i + 1) * w, mu[k][0]) *
            mass(t.lo + double(j) * w, t.lo + double(j + 1) * w, mu[k][1]) / 3;
  for (int k = 0; k < 3; ++k) t.mean_r2 += (mu[k][0] * mu[k][0] + mu[k][1] * mu[k][1] + 2 * sd * sd) / 3;
  t.sample_exact = [](Philox& rng, Tensor<double>& q) {
    for (index_t i = 0; i < q.rows(); ++i) {
      const auto k = std::min<std::size_t>(2, static_cast<std::size_t>(3 * rng.uniform01()));
      q(i, 0) = mu[k][0] + sd * rng.normal();
      q(i, 1) = mu[k][1] + sd * rng.normal();
    }
  };
  return t;
}

// ---- one run: a scheme at one step size ---------------------------------------------------------

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

template <class Scheme>
Sampled sample(const Scheme& scheme, const Target& target, const RunSettings& rs, nn::ProgressLine& progress,
               std::int64_t& work_done, std::int64_t work_total, int phase) {
  constexpr int kGroups = 32;
  Philox rng(rs.seed, 1);  // the same exact start for every scheme and step size
  Tensor<double> q(Shape{rs.particles, target.dim}), v(Shape{rs.particles, target.dim});
  target.sample_exact(rng, q);
  for (index_t i = 0; i < v.numel(); ++i) v[i] = rng.normal();  // Maxwell at kT = 1
  auto s = ig::make_state(std::move(q), std::move(v), rs.seed + 1);
  auto force = [&](const Tensor<double>& x, const Tensor<double>&, double, Tensor<double>& a) { target.accel(x, a); };
  ig::Workspace<Tensor<double>> ws;
  const double dt = scheme.dt;
  const auto burn = static_cast<std::int64_t>(std::ceil(rs.burn_in / dt));
  const auto every = std::max<std::int64_t>(1, std::llround(rs.sample_interval / dt));
  const auto total = burn + static_cast<std::int64_t>(std::ceil(rs.sample_time / dt));

  Sampled out;
  std::vector<double> counts(target.bin_probability.size(), 0.0), group_r2(kGroups, 0.0);
  double outside = 0, frames = 0;
  try {
    ig::init(scheme, s, force, ws);
    ig::run(scheme, s, force, ig::OpenBoundary{}, ws, total, [&](const ig::State<Tensor<double>>& now) {
      progress.update(phase, 2, ++work_done, work_total, dt);
      if (now.step <= burn || (now.step - burn) % every != 0) return;
      frames += 1;
      for (index_t i = 0; i < rs.particles; ++i) {
        double r2 = 0;
        index_t bin = 0, stride = 1;
        bool inside = true;
        for (index_t c = 0; c < target.dim; ++c) {
          const double x = now.q(i, c);
          r2 += x * x;
          const double f = (x - target.lo) / (target.hi - target.lo) * double(target.bins);
          inside = inside && f >= 0 && f < double(target.bins);
          bin += inside ? static_cast<index_t>(f) * stride : 0;
          stride *= target.bins;
        }
        if (inside) counts[static_cast<std::size_t>(bin)] += 1;
        else outside += 1;
        group_r2[static_cast<std::size_t>(i * kGroups / rs.particles)] += r2;
      }
    });
  } catch (const ig::NonFiniteStateError&) {
    out.diverged = true;
    return out;
  }
  // Frequencies, total variation (the mass outside the histogram counts too), <|x|^2> by group.
  const double n = frames * double(rs.particles);
  double tv = outside / n, inside_exact = 0;
  out.histogram.resize(counts.size());
  for (std::size_t b = 0; b < counts.size(); ++b) {
    out.histogram[b] = counts[b] / n;
    tv += std::abs(out.histogram[b] - target.bin_probability[b]);
    inside_exact += target.bin_probability[b];
  }
  out.tv = 0.5 * (tv + std::max(0.0, 1 - inside_exact));  // |outside - exact outside| <= the sum of both
  double mean = 0, var = 0;
  for (double& g : group_r2) g /= n / kGroups, mean += g / kGroups;
  for (double g : group_r2) var += (g - mean) * (g - mean) / (kGroups - 1);
  out.r2 = mean;
  out.r2_se = std::sqrt(var / kGroups);
  return out;
}

constexpr const char* kSchemes[3] = {"baoab", "obabo", "euler_maruyama"};

Sampled sample_with(int scheme, double dt, const Target& target, const RunSettings& rs, nn::ProgressLine& progress,
                    std::int64_t& work_done, std::int64_t work_total, int phase) {
  const ig::Thermostat bath{.gamma = 1, .kT = 1, .mass = {}};
  if (scheme == 0) return sample(ig::BAOAB{.dt = dt, .bath = bath}, target, rs, progress, work_done, work_total, phase);
  if (scheme == 1) return sample(ig::OBABO{.dt = dt, .bath = bath}, target, rs, progress, work_done, work_total, phase);
  return sample(ig::EulerMaruyama{.dt = dt, .bath = bath}, target, rs, progress, work_done, work_total, phase);
}

std::vector<double> parse_steps(const std::string& text) {
  std::vector<double> dts;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::size_t used = 0;
    double dt = 0;
    try {
      dt = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !(dt > 0) || dt > 10)
      throw std::invalid_argument("--dt: '" + item + "' is not a step size in (0, 10]");
    dts.push_back(dt);
  }
  if (dts.empty()) throw std::invalid_argument("--dt: no step size given");
  std::sort(dts.begin(), dts.end());
  return dts;
}

}  // namespace

int main(int argc, char** argv) {
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
  std::string out;
  std::vector<double> dts;
  try {
    dts = parse_steps(dt_list);
    out = examples::prepare_output_dir(so.out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "langevin_sampling: %s\n", e.what());
    return 2;
  }
  set_num_threads(so.threads);
  const RunSettings rs{particles, burn_in, sample_time, 0.1, static_cast<std::uint64_t>(so.seed)};

  const std::vector<Target> targets{double_well(), gaussian_mixture()};
  std::int64_t work_total = 0, work_done = 0;  // steps of all runs, for the progress line
  for (double dt : dts) work_total += 3 * 2 * static_cast<std::int64_t>(std::ceil(burn_in / dt) + std::ceil(sample_time / dt));
  nn::ProgressLine progress(so.quiet);
  // results[target][scheme][dt index]
  std::vector<std::vector<std::vector<Sampled>>> results(targets.size(), std::vector<std::vector<Sampled>>(3));
  for (std::size_t t = 0; t < targets.size(); ++t)
    for (int k = 0; k < 3; ++k)
      for (double dt : dts) results[t][static_cast<std::size_t>(k)].push_back(sample_with(k, dt, targets[t], rs, progress, work_done, work_total, int(t) + 1));
  progress.finish();
  const double seconds = examples::seconds_since(start);

  // Table.
  for (std::size_t t = 0; t < targets.size(); ++t) {
    std::printf("\n%s: exact <|x|^2> = %.5f, %lld particles, %g time units sampled\n", targets[t].name.c_str(),
                targets[t].mean_r2, static_cast<long long>(particles), sample_time);
    std::printf("%-16s %7s %9s %12s %10s\n", "scheme", "dt", "TV", "<x^2> error", "std error");
    for (int k = 0; k < 3; ++k)
      for (std::size_t d = 0; d < dts.size(); ++d) {
        const Sampled& r = results[t][static_cast<std::size_t>(k)][d];
        if (r.diverged) std::printf("%-16s %7g  diverged\n", kSchemes[k], dts[d]);
        else std::printf("%-16s %7g %9.4f %12.5f %10.5f\n", kSchemes[k], dts[d], r.tv, r.r2 - targets[t].mean_r2, r.r2_se);
      }
  }

  // Checks, for each target at the largest step size where both BAOAB and Euler-Maruyama stay
  // finite (Euler-Maruyama diverges first): BAOAB's error in <|x|^2> is smaller than
  // Euler-Maruyama's by more than 3 combined standard errors, and so is its TV distance.
  std::vector<examples::Check> checks;
  for (std::size_t t = 0; t < targets.size(); ++t) {
    std::size_t d = dts.size();
    while (d > 0 && (results[t][0][d - 1].diverged || results[t][2][d - 1].diverged)) --d;
    if (d == 0) {
      checks.push_back({targets[t].name + ": step sizes where BAOAB and EM both finish", 0, 1, examples::Check::AtLeast});
      continue;
    }
    const Sampled& b = results[t][0][d - 1];
    const Sampled& e = results[t][2][d - 1];
    const std::string at = targets[t].name + " dt " + std::to_string(dts[d - 1]).substr(0, 5) + ": ";
    const double gap = std::abs(e.r2 - targets[t].mean_r2) - std::abs(b.r2 - targets[t].mean_r2);
    checks.push_back({at + "(|EM <x^2> err| - |BAOAB err|) / std err", gap / std::hypot(b.r2_se, e.r2_se), 3,
                      examples::Check::AtLeast});
    checks.push_back({at + "TV(EM) - TV(BAOAB)", e.tv - b.tv, 0, examples::Check::AtLeast});
  }

  // Files: per target a sweep CSV and the histograms at the largest step; plots.
  io::svg::LinePlot tv_plot[2], err_plot[2], hist_plot[2];
  io::Json per_target = io::Json::object();
  for (std::size_t t = 0; t < targets.size(); ++t) {
    const Target& tg = targets[t];
    tv_plot[t].title = tg.name + ": total variation vs step size";
    err_plot[t].title = tg.name + ": |error in <|x|^2>| vs step size";
    tv_plot[t].x_label = err_plot[t].x_label = "dt";
    tv_plot[t].y_label = "TV distance";
    err_plot[t].y_label = "|<|x|^2> - exact|";
    tv_plot[t].log_y = err_plot[t].log_y = true;
    std::vector<std::string> cols{"dt"};
    for (const char* k : kSchemes) cols.insert(cols.end(), {std::string(k) + "_tv", std::string(k) + "_r2", std::string(k) + "_r2_se"});
    io::MetricsLogger sweep(out + "sweep_" + tg.name + ".csv", cols);
    for (std::size_t d = 0; d < dts.size(); ++d) {
      std::vector<double> row{dts[d]};
      for (int k = 0; k < 3; ++k) {
        const Sampled& r = results[t][static_cast<std::size_t>(k)][d];
        const double nan = std::nan("");
        row.insert(row.end(), {r.diverged ? nan : r.tv, r.diverged ? nan : r.r2, r.diverged ? nan : r.r2_se});
      }
      sweep.log(row);
    }
    io::JsonObject schemes;
    for (int k = 0; k < 3; ++k) {
      io::svg::Series tv{.name = kSchemes[k], .x = {}, .y = {}, .color = ""}, err = tv;
      io::JsonArray runs;
      for (std::size_t d = 0; d < dts.size(); ++d) {
        const Sampled& r = results[t][static_cast<std::size_t>(k)][d];
        io::Json j = io::Json::object({{"dt", dts[d]}, {"diverged", r.diverged}});
        if (!r.diverged) {
          tv.x.push_back(dts[d]), tv.y.push_back(r.tv);
          err.x.push_back(dts[d]), err.y.push_back(std::abs(r.r2 - tg.mean_r2));
          j.set("tv", r.tv), j.set("mean_r2", r.r2), j.set("mean_r2_error", r.r2 - tg.mean_r2), j.set("mean_r2_se", r.r2_se);
        }
        runs.push_back(std::move(j));
      }
      tv_plot[t].series.push_back(std::move(tv));
      err_plot[t].series.push_back(std::move(err));
      schemes.emplace_back(kSchemes[k], io::Json(std::move(runs)));
    }
    per_target.set(tg.name, io::Json::object({{"exact_mean_r2", tg.mean_r2}, {"schemes", io::Json(std::move(schemes))}}));

    // Histograms at the largest step (the mixture: its marginal in x), as densities.
    const double w = (tg.hi - tg.lo) / double(tg.bins);
    auto marginal = [&](const std::vector<double>& p) {
      std::vector<double> m(static_cast<std::size_t>(tg.bins), 0.0);
      for (std::size_t b = 0; b < p.size(); ++b) m[b % static_cast<std::size_t>(tg.bins)] += p[b] / w;
      return m;
    };
    std::vector<double> xs;
    for (index_t i = 0; i < tg.bins; ++i) xs.push_back(tg.lo + (double(i) + 0.5) * w);
    hist_plot[t].title = tg.name + (tg.dim == 2 ? " (marginal in x)" : "") + ": histograms at dt " + std::to_string(dts.back()).substr(0, 5);
    hist_plot[t].x_label = "x";
    hist_plot[t].y_label = "density";
    hist_plot[t].series.push_back({.name = "exact", .x = xs, .y = marginal(tg.bin_probability), .color = "black"});
    std::vector<std::string> hcols{"x", "exact"};
    std::vector<std::vector<double>> hcol{marginal(tg.bin_probability)};
    for (int k = 0; k < 3; ++k) {
      const Sampled& r = results[t][static_cast<std::size_t>(k)].back();
      if (r.diverged) continue;
      hist_plot[t].series.push_back({.name = kSchemes[k], .x = xs, .y = marginal(r.histogram), .color = ""});
      hcols.push_back(kSchemes[k]);
      hcol.push_back(marginal(r.histogram));
    }
    io::MetricsLogger hist(out + "histogram_" + tg.name + ".csv", hcols);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      std::vector<double> row{xs[i]};
      for (const auto& c : hcol) row.push_back(c[i]);
      hist.log(row);
    }
  }
  io::svg::write_svg(out + "tv_vs_dt.svg", {tv_plot[0], tv_plot[1]});
  io::svg::write_svg(out + "x2_error_vs_dt.svg", {err_plot[0], err_plot[1]});
  io::svg::write_svg(out + "histograms.svg", {hist_plot[0], hist_plot[1]});
  io::Json results_json = examples::results_header(opt, so.seed, seconds);
  results_json.set("step_sizes", io::Json(dts));
  results_json.set("targets", std::move(per_target));
  results_json.set("checks", examples::checks_json(checks));
  io::write_json(out + "results.json", results_json);
  std::printf("\n%.1f s in all; wrote results.json, sweep_*.csv, histogram_*.csv, tv_vs_dt.svg, x2_error_vs_dt.svg, "
              "histograms.svg to %s\n", seconds, out.c_str());
  return examples::print_checks(checks, so.check);
}
