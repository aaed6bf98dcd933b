// The table, the checks and the files of the learned_energy experiment (report.hpp).
#include "examples/learned_energy/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/csv.hpp"
#include "io/svg.hpp"

namespace dg::learned_energy {

void print_table(const Results& r, std::int64_t sim_steps, double dt) {
  const std::vector<EnergyRun>& runs = r.runs;
  std::printf("\n%-8s %8s %10s %10s %11s %11s %11s %11s %9s\n", "model", "train s", "force err", "loop work",
              "own drift", "own max", "true drift", "true max", "diverged");
  for (int m = 0; m < 3; ++m) {
    auto num = [](bool shown, const char* fmt, double v) {
      char buf[32] = "-";
      if (shown) std::snprintf(buf, sizeof buf, fmt, v);
      return std::string(buf);
    };
    const bool learned = m > 0;
    std::printf("%-8s %8s %10s %10s %11s %11s %11.3e %11.3e %9s\n", runs[m].name.c_str(),
                num(learned, "%.2f", learned ? r.train_seconds[m - 1] : 0).c_str(),
                num(learned, "%.4f", learned ? r.force_error[m - 1] : 0).c_str(),
                num(learned, "%.2e", learned ? r.loop_ratio[m - 1] : 0).c_str(), num(m == 1, "%.3e", r.own.drift).c_str(),
                num(m == 1, "%.3e", r.own.max).c_str(), r.true_drift[m].drift, r.true_drift[m].max,
                runs[m].diverged ? "yes" : "no");
  }
  std::printf("(%lld steps of dt %g, t = %g; energies relative to the true starting energy %.4f; loop work: "
              "|work around small loops| / (|F| length), 0 for a gradient)\n",
              static_cast<long long>(sim_steps), dt, runs[0].t.back(), r.e0);
}

std::vector<examples::Check> make_checks(const Results& r) {
  const double floor = 1e-12;
  return {
      {"direct drift / energy-model own max error", r.true_drift[2].drift / std::max(r.own.max, floor), 10,
       examples::Check::AtLeast},
      {"direct drift / energy-model true drift", r.true_drift[2].drift / std::max(r.true_drift[1].drift, floor), 3,
       examples::Check::AtLeast},
      {"energy model relative force error", r.force_error[0], 0.2, examples::Check::AtMost},
      {"direct model relative force error", r.force_error[1], 0.2, examples::Check::AtMost},
  };
}

void write_files(const std::string& out, const Results& r, double dt, int every) {
  const std::vector<EnergyRun>& runs = r.runs;
  {
    io::MetricsLogger log(out + "training.csv", {"step", "energy_model_loss", "direct_model_loss"});
    for (std::size_t i = 0; i < r.losses[0].size(); ++i) log.log({double(i + 1), r.losses[0][i], r.losses[1][i]});
    io::MetricsLogger energy(out + "energy.csv", {"t", "true_system", "energy_model_own", "energy_model_true", "direct_model_true"});
    for (std::size_t i = 0; i < runs[0].t.size(); ++i) {
      auto at = [&](const std::vector<double>& e) { return i < e.size() ? e[i] : std::nan(""); };
      energy.log({runs[0].t[i], at(runs[0].true_energy), at(runs[1].own_energy), at(runs[1].true_energy), at(runs[2].true_energy)});
    }
  }
  io::svg::LinePlot energy_plot;
  energy_plot.title = "energy error |E(t) - E(0)| / E(0), velocity Verlet dt " + std::to_string(dt).substr(0, 5);
  energy_plot.x_label = "time";
  energy_plot.y_label = "relative energy error";
  energy_plot.log_y = true;
  auto series = [&](const std::string& name, const EnergyRun& run, const std::vector<double>& e) {
    io::svg::Series s{.name = name, .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 1; i < e.size(); i += std::max<std::size_t>(1, e.size() / 1000))
      s.x.push_back(run.t[i]), s.y.push_back(std::abs(e[i] - e[0]) / r.e0);
    return s;
  };
  energy_plot.series = {series("true system", runs[0], runs[0].true_energy),
                        series("energy model (own energy)", runs[1], runs[1].own_energy),
                        series("energy model (true energy)", runs[1], runs[1].true_energy),
                        series("direct model (true energy)", runs[2], runs[2].true_energy)};
  io::svg::write_svg(out + "energy.svg", {energy_plot}, 720, 440);
  io::svg::LinePlot loss_plot;
  loss_plot.title = "training loss (force MSE)";
  loss_plot.x_label = "step";
  loss_plot.y_label = "loss";
  loss_plot.log_y = true;
  for (int m = 0; m < 2; ++m) {
    io::svg::Series s{.name = std::string(kind_name(m == 0 ? Kind::Energy : Kind::Direct)) + " model", .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 0; i < r.losses[m].size(); ++i) s.x.push_back(double(i + 1)), s.y.push_back(r.losses[m][i]);
    loss_plot.series.push_back(std::move(s));
  }
  io::svg::write_svg(out + "training.svg", {loss_plot});
  std::vector<io::svg::Panel> paths;
  for (const EnergyRun& run : runs) {
    io::svg::ScatterPlot p;
    p.title = run.name + ": particle 0, first " + std::to_string(run.x0.size() * every) + " steps";
    p.x_label = "x";
    p.y_label = "y";
    p.point_markers = false;
    p.series = {{.name = "", .x = run.x0, .y = run.y0, .color = ""}};
    paths.push_back(p);
  }
  io::svg::write_svg(out + "trajectories.svg", paths, 360, 360);
}

void add_results(io::Json& res, const Results& r, const std::vector<examples::Check>& checks) {
  res.set("configurations", io::Json::object({{"train", r.train_configurations}, {"test", r.test_configurations}}));
  res.set("true_starting_energy", r.e0);
  io::JsonObject per_run;
  for (int m = 0; m < 3; ++m) {
    io::Json j = io::Json::object({{"true_energy_drift", r.true_drift[m].drift},
                                   {"true_energy_max_error", r.true_drift[m].max},
                                   {"diverged", r.runs[m].diverged},
                                   {"t_end", r.runs[m].t.back()}});
    if (m > 0) {
      j.set("train_seconds", r.train_seconds[m - 1]);
      j.set("final_loss", r.losses[m - 1].back());
      j.set("relative_force_error", r.force_error[m - 1]);
      j.set("loop_work_ratio", r.loop_ratio[m - 1]);
    }
    if (m == 1) j.set("own_energy_drift", r.own.drift), j.set("own_energy_max_error", r.own.max);
    per_run.emplace_back(r.runs[m].name, std::move(j));
  }
  res.set("runs", io::Json(std::move(per_run)));
  res.set("checks", examples::checks_json(checks));
}

}  // namespace dg::learned_energy
