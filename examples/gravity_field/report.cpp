// The table, the checks and the files of the gravity_field experiment (report.hpp).
#include "examples/gravity_field/report.hpp"

#include <cstdio>

#include "io/csv.hpp"
#include "io/svg.hpp"

namespace dg::gravity_field {

void print_table(const Results& r, std::int64_t horizon) {
  std::printf("\nforecast: mean L2 position error after each of the %lld frames (test)\n%-18s", static_cast<long long>(horizon), "model");
  for (std::int64_t k = 1; k <= horizon; ++k) std::printf(" %9s%lld", "step ", static_cast<long long>(k));
  std::printf(" %12s\n", "final loss");
  auto row = [&](const char* name, const std::vector<double>& e, double loss) {
    std::printf("%-18s", name);
    for (double v : e) std::printf(" %10.4f", v);
    if (loss >= 0) std::printf(" %12.4e", loss);
    std::printf("\n");
  };
  row("field (FiLM code)", r.err_field, r.loss_field.back());
  row("no field", r.err_plain, r.loss_plain.back());
  row("constant velocity", r.err_const, -1);
  const nn::FieldMetrics& m = r.recovery.metrics;
  std::printf("field recovery around the heavy mass (r in [0.3, 2], %lld points): median cosine %.3f, relative L2 %.3f, "
              "scale %.3f\n", static_cast<long long>(m.points), m.cosine, m.relative_l2, m.scale);
}

std::vector<examples::Check> make_checks(const Results& r) {
  return {
      {"field / no-field error at the last forecast step", r.err_field.back() / r.err_plain.back(), 0.8, examples::Check::AtMost},
      {"median cosine of learned and true field", r.recovery.metrics.cosine, 0.5, examples::Check::AtLeast},
  };
}

void write_files(const std::string& out, const Results& r, std::int64_t observed) {
  {
    io::MetricsLogger log(out + "training.csv", {"step", "field_loss", "no_field_loss"});
    for (std::size_t i = 0; i < r.loss_field.size(); ++i) log.log({double(i + 1), r.loss_field[i], r.loss_plain[i]});
    io::MetricsLogger f(out + "forecast.csv", {"step", "field", "no_field", "constant_velocity"});
    for (std::size_t k = 0; k < r.err_field.size(); ++k) f.log({double(k + 1), r.err_field[k], r.err_plain[k], r.err_const[k]});
  }
  io::svg::LinePlot lp, fp;
  lp.title = "training loss (weighted acceleration error)";
  lp.x_label = "step";
  lp.y_label = "loss";
  lp.log_y = true;
  fp.title = "forecast error after " + std::to_string(observed) + " observed frames";
  fp.x_label = "frames ahead";
  fp.y_label = "mean L2 position error";
  std::vector<double> steps_x, ks;
  for (std::size_t i = 0; i < r.loss_field.size(); ++i) steps_x.push_back(double(i + 1));
  for (std::size_t k = 0; k < r.err_field.size(); ++k) ks.push_back(double(k + 1));
  lp.series = {{.name = "field", .x = steps_x, .y = r.loss_field, .color = ""},
               {.name = "no field", .x = steps_x, .y = r.loss_plain, .color = ""}};
  fp.series = {{.name = "field", .x = ks, .y = r.err_field, .color = ""},
               {.name = "no field", .x = ks, .y = r.err_plain, .color = ""},
               {.name = "constant velocity", .x = ks, .y = r.err_const, .color = ""}};
  io::svg::write_svg(out + "training.svg", {lp});
  io::svg::write_svg(out + "forecast.svg", {fp});

  // The field of test simulation 0 in the plane z = z_heavy, 2 around the mass: learned and true.
  io::svg::QuiverPlot learned, truth;
  learned.x = truth.x = r.plane.xs;
  learned.y = truth.y = r.plane.ys;
  learned.u = r.plane.learned_u, learned.v = r.plane.learned_v;
  truth.u = r.plane.true_u, truth.v = r.plane.true_v;
  learned.title = "learned field (x, y), test simulation 0";
  truth.title = "true field of the heavy mass";
  for (auto* q : {&learned, &truth}) {
    q->x_label = "x";
    q->y_label = "y";
    q->unit_arrows = true;
    q->markers = {{.x = r.plane.heavy_x, .y = r.plane.heavy_y, .symbol = 'x', .color = "black"}};
  }
  io::svg::write_svg(out + "field.svg", {learned, truth}, 420, 400);
}

void add_results(io::Json& res, const Results& r, const std::vector<examples::Check>& checks) {
  auto arr = [](const std::vector<double>& v) {
    io::JsonArray a;
    for (double x : v) a.push_back(io::Json(x));
    return io::Json(std::move(a));
  };
  res.set("forecast_l2_error", io::Json::object({{"field", arr(r.err_field)}, {"no_field", arr(r.err_plain)},
                                                 {"constant_velocity", arr(r.err_const)}}));
  res.set("final_loss", io::Json::object({{"field", r.loss_field.back()}, {"no_field", r.loss_plain.back()}}));
  res.set("field_median_cosine", r.recovery.metrics.cosine);
  res.set("field_relative_l2", r.recovery.metrics.relative_l2);
  res.set("field_scale", r.recovery.metrics.scale);
  res.set("checks", examples::checks_json(checks));
}

}  // namespace dg::gravity_field
