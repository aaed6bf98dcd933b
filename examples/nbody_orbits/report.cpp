// The table, the checks and the files of the nbody_orbits experiment (report.hpp).
#include "examples/nbody_orbits/report.hpp"

#include <cmath>
#include <cstdio>

#include "io/csv.hpp"
#include "io/svg.hpp"

namespace dg::nbody_orbits {

namespace {

io::svg::LinePlot energy_plot(const std::string& title, const std::string& x_label, const std::vector<EnergyTrace>& traces,
                              double time_unit) {
  io::svg::LinePlot p;
  p.title = title;
  p.x_label = x_label;
  p.y_label = "|E(t) - E(0)| / |E(0)|";
  p.log_y = true;
  for (int k = 0; k < kSchemes; ++k) {
    io::svg::Series s{.name = kNames[k], .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 1; i < traces[k].t.size(); ++i) s.x.push_back(traces[k].t[i] / time_unit), s.y.push_back(traces[k].error[i]);
    p.series.push_back(std::move(s));
  }
  return p;
}

void write_energy_csv(const std::string& path, const std::vector<EnergyTrace>& traces) {
  std::vector<std::string> cols{"t"};
  cols.insert(cols.end(), kNames, kNames + kSchemes);
  io::MetricsLogger log(path, cols);
  for (std::size_t i = 0; i < traces[kYoshida].t.size(); ++i) {
    std::vector<double> row{traces[kYoshida].t[i]};
    for (const EnergyTrace& tr : traces) row.push_back(i < tr.error.size() ? tr.error[i] : std::nan(""));
    log.log(row);
  }
}

}  // namespace

void print_table(const Results& r, const RunShape& shape) {
  std::printf("figure eight: one period with yoshida4 (%lld steps): max |q(T) - q(0)| %.3e, max |v(T) - v(0)| %.3e\n",
              static_cast<long long>(r.closed.steps), r.closed.return_q, r.closed.return_v);
  std::printf("Plummer sphere: %lld bodies, softening %g, virial ratio 2K/|U| %.3f, E %.4f\n\n",
              static_cast<long long>(shape.bodies), shape.softening, 2 * r.kinetic / std::abs(r.potential), r.kinetic + r.potential);
  std::printf("%-17s %28s %6s %15s %9s %15s %9s\n", "", "max energy error, 1 period", "order", "figure eight",
              "growth", "Plummer", "growth");
  std::printf("%-17s %9lld %9lld %9lld %6s %15s %9s %15s %9s\n", "scheme", static_cast<long long>(Orders::steps[0]),
              static_cast<long long>(Orders::steps[1]), static_cast<long long>(Orders::steps[2]), "", "max error", "", "max error", "");
  for (int k = 0; k < kSchemes; ++k) {
    auto cell = [](const EnergyTrace& tr) {
      char buf[32];
      if (tr.diverged) std::snprintf(buf, sizeof buf, "diverged t=%.0f", tr.t.back());
      else std::snprintf(buf, sizeof buf, "%.3e", max_error(tr));
      return std::string(buf);
    };
    std::printf("%-17s %9.2e %9.2e %9.2e %6.2f %15s %9.3g %15s %9.3g\n", kNames[k], r.orders.error[k][0], r.orders.error[k][1],
                r.orders.error[k][2], r.orders.order[k], cell(r.eight_runs[k]).c_str(), growth(r.eight_runs[k]), cell(r.plummer_runs[k]).c_str(),
                growth(r.plummer_runs[k]));
  }
  std::printf("(long runs: figure eight %d periods of %d steps, Plummer t = %g with dt %g; growth = largest error in the "
              "last fifth / in the first fifth)\n", shape.periods, shape.per_period, shape.plummer_time, shape.plummer_dt);
}

std::vector<examples::Check> make_checks(const Results& r) {
  std::vector<examples::Check> checks{{"figure eight: yoshida4 max |q(T) - q(0)|", r.closed.return_q, 1e-6, examples::Check::AtMost},
                                      {"figure eight: yoshida4 max |v(T) - v(0)|", r.closed.return_v, 1e-6, examples::Check::AtMost}};
  for (int k = 0; k < kSchemes; ++k) {
    const std::string name = std::string("figure eight: ") + kNames[k];
    if (kSymplectic[k]) checks.push_back({name + " energy error growth (bounded)", growth(r.eight_runs[k]), 2, examples::Check::AtMost});
    else checks.push_back({name + " energy error growth (drifts)", growth(r.eight_runs[k]), 3, examples::Check::AtLeast});
    checks.push_back({name + " order of the energy error (theory " + std::to_string(int(kOrder[k])) + ")", r.orders.order[k],
                      kOrder[k] - 0.5, examples::Check::AtLeast});
  }
  return checks;
}

void write_files(const std::string& out, const Results& r, const RunShape& shape, const System& eight) {
  write_energy_csv(out + "energy_figure8.csv", r.eight_runs);
  write_energy_csv(out + "energy_plummer.csv", r.plummer_runs);
  {
    std::vector<std::string> cols{"steps_per_period", "dt"};
    cols.insert(cols.end(), kNames, kNames + kSchemes);
    io::MetricsLogger conv(out + "convergence.csv", cols);
    for (int j = 0; j < 3; ++j) {
      std::vector<double> row{double(Orders::steps[j]), kPeriod / double(Orders::steps[j])};
      for (int k = 0; k < kSchemes; ++k) row.push_back(r.orders.error[k][j]);
      conv.log(row);
    }
    io::MetricsLogger orbit(out + "orbit.csv", {"t", "x1", "y1", "x2", "y2", "x3", "y3"});
    for (std::size_t i = 0; i < r.closed.t.size(); ++i)
      orbit.log({r.closed.t[i], r.closed.q[6 * i], r.closed.q[6 * i + 1], r.closed.q[6 * i + 2], r.closed.q[6 * i + 3], r.closed.q[6 * i + 4], r.closed.q[6 * i + 5]});
  }
  io::svg::write_svg(out + "energy_figure8.svg",
                     {energy_plot("figure eight: energy error, " + std::to_string(shape.per_period) + " steps per period",
                                  "time (periods)", r.eight_runs, kPeriod)}, 720, 440);
  io::svg::write_svg(out + "energy_plummer.svg",
                     {energy_plot("Plummer sphere (N = " + std::to_string(shape.bodies) + "): energy error", "time", r.plummer_runs, 1.0)},
                     720, 440);
  io::svg::LinePlot conv;
  conv.title = "figure eight: max energy error over one period";
  conv.x_label = "log10 dt";
  conv.y_label = "max |E - E(0)| / |E(0)|";
  conv.log_y = true;
  for (int k = 0; k < kSchemes; ++k) {
    io::svg::Series s{.name = kNames[k], .x = {}, .y = {}, .color = ""};
    for (int j = 0; j < 3; ++j) s.x.push_back(std::log10(kPeriod / double(Orders::steps[j]))), s.y.push_back(r.orders.error[k][j]);
    conv.series.push_back(std::move(s));
  }
  io::svg::write_svg(out + "convergence.svg", {conv});
  io::svg::ScatterPlot orbit;
  orbit.title = "figure eight: one period (yoshida4)";
  orbit.x_label = "x";
  orbit.y_label = "y";
  orbit.point_markers = false;
  for (int b = 0; b < 3; ++b) {
    io::svg::Series s{.name = "body " + std::to_string(b + 1), .x = {}, .y = {}, .color = ""};
    for (std::size_t i = 0; i < r.closed.t.size(); ++i) s.x.push_back(r.closed.q[6 * i + 2 * b]), s.y.push_back(r.closed.q[6 * i + 2 * b + 1]);
    orbit.series.push_back(std::move(s));
    orbit.markers.push_back({.x = eight.q0(b, 0), .y = eight.q0(b, 1), .symbol = 'o', .color = "black"});
  }
  io::svg::write_svg(out + "orbit.svg", {orbit}, 560, 320);
}

void add_results(io::Json& res, const Results& r, const RunShape& shape, const std::vector<examples::Check>& checks) {
  res.set("figure_eight", io::Json::object({{"period", kPeriod}, {"return_q", r.closed.return_q}, {"return_v", r.closed.return_v}}));
  res.set("plummer", io::Json::object({{"bodies", shape.bodies}, {"virial_ratio", 2 * r.kinetic / std::abs(r.potential)},
                                           {"energy", r.kinetic + r.potential}}));
  io::JsonObject schemes;
  for (int k = 0; k < kSchemes; ++k) {
    auto trace_json = [](const EnergyTrace& tr) {
      return io::Json::object({{"max_error", max_error(tr)}, {"growth", growth(tr)}, {"diverged", tr.diverged}, {"t_end", tr.t.back()}});
    };
    schemes.emplace_back(kNames[k], io::Json::object({{"one_period_max_error", std::vector<double>(r.orders.error[k], r.orders.error[k] + 3)},
                                                      {"order", r.orders.order[k]},
                                                      {"expected_order", kOrder[k]},
                                                      {"figure_eight", trace_json(r.eight_runs[k])},
                                                      {"plummer", trace_json(r.plummer_runs[k])}}));
  }
  res.set("schemes", io::Json(std::move(schemes)));
  res.set("checks", examples::checks_json(checks));
}

}  // namespace dg::nbody_orbits
