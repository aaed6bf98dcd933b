// The table, the checks and the files of the mean_field_langevin experiment (report.hpp).
#include "examples/mean_field_langevin/report.hpp"

#include <cstdio>
#include <string>

#include "examples/mean_field_langevin/data.hpp"
#include "io/csv.hpp"
#include "io/svg.hpp"

namespace dg::mean_field_langevin {

void print_table(const Results& r, std::int64_t evaluations, double gamma, double kT) {
  auto reach = [](std::int64_t e) { return e < 0 ? std::string("never") : std::to_string(e); };
  std::printf("\n%-11s %-12s %7s %12s %12s %11s %12s %14s\n", "objective", "algorithm", "step", "start", "final",
              "final/start", "level", "evals to level");
  auto row = [&](const char* obj, const char* alg, double step, const Comparison& c, bool u) {
    const double fin = u ? c.final_under : c.final_over;
    std::printf("%-11s %-12s %7.3g %12.4e %12.4e %11.2e %12.4e %14s\n", obj, alg, step, c.start, fin, fin / c.start,
                c.level, reach(u ? c.under_evals : c.over_evals).c_str());
  };
  row("regression", "underdamped", r.under.dt, r.reg_c, true);
  row("regression", "overdamped", r.over.dt, r.reg_c, false);
  row("mmd", "underdamped", r.under_mmd.dt, r.mmd_c, true);
  row("mmd", "overdamped", r.over_mmd.dt, r.mmd_c, false);
  for (const auto& [name, c] : {std::pair<const char*, const Comparison&>{"regression", r.reg_c}, {"mmd", r.mmd_c}})
    std::printf("%s: %s reaches the common level (1.1 x the larger final value) first: %s vs %s evaluations\n", name,
                c.under_evals >= 0 && (c.over_evals < 0 || c.under_evals < c.over_evals) ? "underdamped" : "overdamped",
                reach(c.under_evals).c_str(), reach(c.over_evals).c_str());
  std::printf("(%lld gradient evaluations per run; final = mean over the last tenth; gamma %g, kT %g; regression "
              "grid MSE vs the noise-free function: underdamped %.3e, overdamped %.3e)\n",
              static_cast<long long>(evaluations), gamma, kT, grid_mse(r.f_under, r.xg), grid_mse(r.f_over, r.xg));
}

std::vector<examples::Check> make_checks(const Results& r) {
  return {
      {"regression: underdamped final / start", r.reg_c.final_under / r.reg_c.start, 0.1, examples::Check::AtMost},
      {"regression: overdamped final / start", r.reg_c.final_over / r.reg_c.start, 0.1, examples::Check::AtMost},
      {"mmd: underdamped final / start", r.mmd_c.final_under / r.mmd_c.start, 0.1, examples::Check::AtMost},
      {"mmd: overdamped final / start", r.mmd_c.final_over / r.mmd_c.start, 0.1, examples::Check::AtMost},
      {"regression: underdamped final / overdamped final", r.reg_c.final_under / r.reg_c.final_over, 1.5, examples::Check::AtMost},
      {"mmd: underdamped final / overdamped final", r.mmd_c.final_under / r.mmd_c.final_over, 1.5, examples::Check::AtMost},
  };
}

void write_files(const std::string& out, const Results& r, std::int64_t evaluations) {
  const std::pair<const char*, std::pair<const Run*, const Run*>> tasks[] = {{"regression", {&r.reg_under, &r.reg_over}},
                                                                            {"mmd", {&r.mmd_under, &r.mmd_over}}};
  io::svg::LinePlot plots[2];
  for (int k = 0; k < 2; ++k) {
    const Run &u = *tasks[k].second.first, &o = *tasks[k].second.second;
    io::MetricsLogger log(out + tasks[k].first + ".csv", {"evaluation", "underdamped", "overdamped"});
    io::svg::Series su{.name = "underdamped (Fu & Wilson)", .x = {}, .y = {}, .color = ""};
    io::svg::Series sv{.name = "overdamped (Euler-Maruyama)", .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 0; i < u.objective.size(); ++i) {
      log.log({double(i + 1), u.objective[i], o.objective[i]});
      su.x.push_back(double(i + 1)), su.y.push_back(u.objective[i]);
      sv.x.push_back(double(i + 1)), sv.y.push_back(o.objective[i]);
    }
    plots[k].title = std::string(tasks[k].first) + ": objective (without entropy)";
    plots[k].x_label = "gradient evaluations";
    plots[k].y_label = "F";
    plots[k].log_y = true;
    plots[k].series = {su, sv};
  }
  io::svg::write_svg(out + "objective.svg", {plots[0], plots[1]}, 520, 400);
  io::svg::ScatterPlot fit;
  fit.title = "mean-field network after " + std::to_string(evaluations) + " evaluations";
  fit.x_label = "x";
  fit.y_label = "f(x)";
  std::vector<double> xs(r.xg.data(), r.xg.data() + r.xg.numel()), truth;
  for (double x : xs) truth.push_back(target_function(x));
  fit.series = {{.name = "sin(2x) + 0.3x", .x = xs, .y = truth, .color = "#000000"},
                {.name = "underdamped", .x = xs, .y = r.f_under, .color = ""},
                {.name = "overdamped", .x = xs, .y = r.f_over, .color = ""}};
  io::svg::ScatterPlot cloud;
  cloud.title = "MMD descent: particles and target";
  cloud.x_label = "x";
  cloud.y_label = "y";
  cloud.lines = false;
  auto points = [](const std::string& name, const Tensor<double>& p, const char* color) {
    io::svg::Series s{.name = name, .x = {}, .y = {}, .color = color};
    for (index_t i = 0; i < p.rows(); ++i) s.x.push_back(p(i, 0)), s.y.push_back(p(i, 1));
    return s;
  };
  cloud.series = {points("target", r.mmd_target, "#bbbbbb"), points("underdamped", r.mmd_under.final_particles, ""),
                  points("overdamped", r.mmd_over.final_particles, "")};
  io::svg::write_svg(out + "fits.svg", {fit, cloud}, 440, 400);
}

void add_results(io::Json& res, const Results& r, const std::vector<examples::Check>& checks) {
  auto task_json = [&](const Comparison& c, double du, double dov) {
    return io::Json::object({{"start", c.start},
                             {"underdamped_final", c.final_under},
                             {"overdamped_final", c.final_over},
                             {"common_level", c.level},
                             {"underdamped_evals_to_level", c.under_evals},
                             {"overdamped_evals_to_level", c.over_evals},
                             {"underdamped_step", du},
                             {"overdamped_step", dov}});
  };
  io::Json reg_json = task_json(r.reg_c, r.under.dt, r.over.dt);
  reg_json.set("underdamped_grid_mse", grid_mse(r.f_under, r.xg));
  reg_json.set("overdamped_grid_mse", grid_mse(r.f_over, r.xg));
  res.set("regression", reg_json);
  res.set("mmd", task_json(r.mmd_c, r.under_mmd.dt, r.over_mmd.dt));
  res.set("checks", examples::checks_json(checks));
}

}  // namespace dg::mean_field_langevin
