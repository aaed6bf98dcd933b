// The table, checks and files of the lorentz_field experiment (report.hpp).
#include "examples/lorentz_field/report.hpp"

#include <cmath>
#include <cstdio>

#include "io/csv.hpp"
#include "io/svg.hpp"

namespace dg::lorentz_field {

namespace {

const ModelResult* find(const std::vector<ModelResult>& results, ModelKind kind) {
  for (const ModelResult& r : results)
    if (r.kind == kind) return &r;
  return nullptr;
}

double last(const std::vector<double>& v) { return v.empty() ? std::nan("") : v.back(); }

}  // namespace

void print_table(const std::vector<ModelResult>& results, const std::vector<int>& steps, const LorentzData& data) {
  std::printf("\nforecast from frame %lld (the paper's measures, unnormalised):\n",
              static_cast<long long>(results.empty() ? 0 : results[0].forecast.observed - 1));
  std::printf("%-9s %5s %11s %11s %11s %11s %11s %11s\n", "model", "step", "state MSE", "pos MSE", "vel MSE", "pos L2",
              "state med", "state p90");
  for (const ModelResult& r : results)
    for (int k : steps) {
      const nn::ForecastMetrics& m = r.forecast.paper;
      const auto i = static_cast<std::size_t>(k - 1);
      if (i >= m.state_mse.size()) continue;
      std::printf("%-9s %5d %11.5f %11.5f %11.5f %11.5f %11.5f %11.5f\n", model_name(r.kind), k, m.state_mse[i],
                  m.position_mse[i], m.velocity_mse[i], m.position_l2[i], m.state_mse_median[i], m.state_mse_p90[i]);
    }
  for (const ModelResult& r : results) {
    std::printf("%-9s trained %.1f s (%.1f ms/step), final loss %.3g%s\n", model_name(r.kind), r.training.seconds,
                r.training.ms_per_step, r.training.final_loss,
                r.forecast.finite ? "" : (", " + std::to_string(r.forecast.diverged) + " forecasts diverged").c_str());
    if (!r.has_field) continue;
    const FieldRecovery& f = r.field;
    std::printf(
        "recovered B: mean (%.4f, %.4f, %.4f), true (%.2f, %.2f, %.2f); median cosine %.4f, scale %.4f, "
        "relative L2 %.4f, spread %.4f (%lld points)\n",
        f.mean[0], f.mean[1], f.mean[2], data.magnetic[0], data.magnetic[1], data.magnetic[2], f.metrics.cosine,
        f.metrics.scale, f.metrics.relative_l2, f.spread, static_cast<long long>(f.metrics.points));
  }
}

std::vector<examples::Check> make_checks(const std::vector<ModelResult>& results, bool quick) {
  std::vector<examples::Check> checks;
  for (const ModelResult& r : results)
    checks.push_back({std::string(model_name(r.kind)) + ": forecasts that diverged", double(r.forecast.diverged), 0,
                      examples::Check::AtMost, true});
  const ModelResult *field = find(results, ModelKind::Field), *none = find(results, ModelKind::NoField);
  if (field && none)
    checks.push_back({"field / no_field whole-state MSE at the last step",
                      last(field->forecast.paper.state_mse) / last(none->forecast.paper.state_mse), quick ? 0.8 : 0.6,
                      examples::Check::AtMost});
  if (field) {
    checks.push_back({"recovered B: median cosine with the true B", field->field.metrics.cosine, quick ? 0.9 : 0.98,
                      examples::Check::AtLeast});
    checks.push_back({"recovered B: |scale - 1|", std::abs(field->field.metrics.scale - 1), quick ? 0.5 : 0.15,
                      examples::Check::AtMost});
  }
  return checks;
}

void write_files(const std::string& out, const std::vector<ModelResult>& results) {
  {
    io::MetricsLogger log(out + "forecast_metrics.csv",
                          {"model_index", "step", "state_mse", "position_mse", "velocity_mse", "position_l2",
                           "velocity_l2", "state_mse_median", "state_mse_p90"});
    for (std::size_t m = 0; m < results.size(); ++m) {
      const nn::ForecastMetrics& f = results[m].forecast.paper;
      for (std::size_t k = 0; k < f.state_mse.size(); ++k)
        log.log({double(m), double(k + 1), f.state_mse[k], f.position_mse[k], f.velocity_mse[k], f.position_l2[k],
                 f.velocity_l2[k], f.state_mse_median[k], f.state_mse_p90[k]});
    }
  }
  io::svg::LinePlot curves{.title = "training loss", .x_label = "step", .y_label = "loss", .log_y = true, .series = {}};
  io::svg::LinePlot errors{
      .title = "forecast: whole-state MSE", .x_label = "step", .y_label = "MSE", .log_y = true, .series = {}};
  for (const ModelResult& r : results) {
    curves.series.push_back(
        {.name = model_name(r.kind), .x = r.training.curve_step, .y = r.training.curve_loss, .color = ""});
    io::svg::Series s{.name = model_name(r.kind), .x = {}, .y = r.forecast.paper.state_mse, .color = ""};
    for (std::size_t k = 0; k < s.y.size(); ++k) s.x.push_back(double(k + 1));
    errors.series.push_back(std::move(s));
  }
  io::svg::write_svg(out + "training.svg", {curves, errors}, 520, 380);
}

void add_results(io::Json& res, const std::vector<ModelResult>& results, const LorentzData& data,
                 const std::vector<examples::Check>& checks) {
  res.set("data", io::Json::object({{"origin", data.origin},
                                    {"train", data.train.sims},
                                    {"test", data.test.sims},
                                    {"particles", data.train.particles},
                                    {"true_B", examples::json_numbers({data.magnetic.begin(), data.magnetic.end()})}}));
  io::JsonObject models;
  for (const ModelResult& r : results) {
    const nn::ForecastMetrics& f = r.forecast.paper;
    io::Json m = io::Json::object({{"description", r.description},
                                   {"parameters", r.parameters},
                                   {"train_seconds", r.training.seconds},
                                   {"final_loss", examples::json_number(r.training.final_loss)},
                                   {"diverged_forecasts", r.forecast.diverged},
                                   {"state_mse", examples::json_numbers(f.state_mse)},
                                   {"position_mse", examples::json_numbers(f.position_mse)},
                                   {"velocity_mse", examples::json_numbers(f.velocity_mse)},
                                   {"position_l2", examples::json_numbers(f.position_l2)},
                                   {"velocity_l2", examples::json_numbers(f.velocity_l2)},
                                   {"state_mse_median", examples::json_numbers(f.state_mse_median)},
                                   {"state_mse_p90", examples::json_numbers(f.state_mse_p90)}});
    if (r.has_field)
      m.set("field_recovery",
            io::Json::object({{"median_cosine", examples::json_number(r.field.metrics.cosine)},
                              {"scale", examples::json_number(r.field.metrics.scale)},
                              {"relative_l2", examples::json_number(r.field.metrics.relative_l2)},
                              {"mean_B", examples::json_numbers({r.field.mean.begin(), r.field.mean.end()})},
                              {"spread", examples::json_number(r.field.spread)},
                              {"points", r.field.metrics.points}}));
    models.emplace_back(model_name(r.kind), std::move(m));
  }
  res.set("models", io::Json(std::move(models)));
  res.set("checks", examples::checks_json(checks));
}

}  // namespace dg::lorentz_field
