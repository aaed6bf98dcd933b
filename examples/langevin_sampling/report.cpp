// The table, the checks and the files of the langevin_sampling experiment (report.hpp).
#include "examples/langevin_sampling/report.hpp"

#include <cmath>
#include <cstdio>

#include "io/csv.hpp"
#include "io/svg.hpp"

namespace dg::langevin_sampling {

void print_table(const std::vector<Target>& targets, const std::vector<double>& dts, const Sweep& results,
                 std::int64_t particles, double sample_time) {
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
}

std::vector<examples::Check> make_checks(const std::vector<Target>& targets, const std::vector<double>& dts,
                                         const Sweep& results) {
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
  return checks;
}

io::Json write_files(const std::string& out, const std::vector<Target>& targets, const std::vector<double>& dts,
                     const Sweep& results) {
  // Per target a sweep CSV and the histograms at the largest step; plots.
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
    io::MetricsLogger sweep_csv(out + "sweep_" + tg.name + ".csv", cols);
    for (std::size_t d = 0; d < dts.size(); ++d) {
      std::vector<double> row{dts[d]};
      for (int k = 0; k < 3; ++k) {
        const Sampled& r = results[t][static_cast<std::size_t>(k)][d];
        const double nan = std::nan("");
        row.insert(row.end(), {r.diverged ? nan : r.tv, r.diverged ? nan : r.r2, r.diverged ? nan : r.r2_se});
      }
      sweep_csv.log(row);
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
  io::svg::write_svg(out + "tv_vs_dt.svg", {tv_plot[0], tv_plot[1]});
  io::svg::write_svg(out + "x2_error_vs_dt.svg", {err_plot[0], err_plot[1]});
  io::svg::write_svg(out + "histograms.svg", {hist_plot[0], hist_plot[1]});
  return per_target;
}

}  // namespace dg::langevin_sampling
