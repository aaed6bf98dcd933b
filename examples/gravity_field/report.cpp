// The table, the checks, results.json and the files of the gravity_field experiment (report.hpp).
#include "examples/gravity_field/report.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "io/file.hpp"
#include "io/svg.hpp"

namespace dg::gravity_field {

namespace {

const ModelResult* find_model(const std::vector<ModelResult>& results, ModelKind kind) {
  for (const ModelResult& r : results)
    if (r.kind == kind) return &r;
  return nullptr;
}

// The paper's measures of one forecast, by name.
struct Measure {
  const char* name;
  std::vector<double> nn::ForecastMetrics::*values;
};
constexpr Measure kMeasures[] = {
    {"state_mse", &nn::ForecastMetrics::state_mse},        {"position_mse", &nn::ForecastMetrics::position_mse},
    {"velocity_mse", &nn::ForecastMetrics::velocity_mse},  {"position_l2", &nn::ForecastMetrics::position_l2},
    {"velocity_l2", &nn::ForecastMetrics::velocity_l2},    {"state_mse_median", &nn::ForecastMetrics::state_mse_median},
    {"state_mse_p90", &nn::ForecastMetrics::state_mse_p90}};

std::string number_text(double v) {  // shortest round-trip; nan / inf spelled out
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

double last(const std::vector<double>& v) { return v.empty() ? NAN : v.back(); }

io::Json forecast_json(const Forecast& f) {
  io::Json paper = io::Json::object();
  for (const Measure& m : kMeasures) paper.set(m.name, examples::json_numbers(f.paper.*m.values));
  return io::Json::object(
      {{"l2_position_error", examples::json_numbers(f.step_error)}, {"finite", f.finite}, {"paper_metrics", paper}});
}

io::Json refinement_json(const RefinementSummary& f) {
  return io::Json::object({{"simulations", static_cast<double>(f.simulations)},
                           {"steps", static_cast<double>(f.steps)},
                           {"seconds", f.seconds},
                           {"from_cache", f.from_cache},
                           {"median_fit_error_before", examples::json_number(f.median_loss_before)},
                           {"median_fit_error_after", examples::json_number(f.median_loss_after)},
                           {"fraction_moved", f.moved},
                           {"anchor_median_distance_before", examples::json_number(f.anchor_distance_before)},
                           {"anchor_median_distance_after", examples::json_number(f.anchor_distance_after)}});
}

io::Json search_json(const HiddenMassSearch& s) {
  return io::Json::object({{"median_distance", examples::json_number(s.median_distance)},
                           {"within_0.1", s.within_01},
                           {"within_0.2", s.within_02},
                           {"within_0.5", s.within_05},
                           {"found", s.found},
                           {"median_mass", examples::json_number(s.median_mass)},
                           {"simulations", static_cast<double>(s.distance.size())},
                           {"seconds", s.seconds}});
}

}  // namespace

std::vector<Check> make_checks(const std::vector<ModelResult>& results, bool quick) {
  std::vector<Check> checks;
  for (const ModelResult& r : results) {
    Check c{std::string(model_name(r.kind)) + ": every forecast is finite", r.forecast.finite ? 1.0 : 0.0, 1.0,
            Check::AtLeast};
    c.required = true;
    checks.push_back(c);
  }
  const ModelResult* dyn = find_model(results, ModelKind::DynamicField);
  if (!dyn) return checks;
  const double mse = last(dyn->forecast.paper.state_mse);
  const double ratio_limit = quick ? 0.8 : 0.5;
  for (ModelKind base : {ModelKind::NoField, ModelKind::StaticField})
    if (const ModelResult* b = find_model(results, base))
      if (!quick || base == ModelKind::NoField)
        checks.push_back({std::string("dynamic / ") + model_name(base) + " whole-state MSE at the last step",
                          mse / last(b->forecast.paper.state_mse), ratio_limit, Check::AtMost});
  checks.push_back(
      {"hidden mass located: median distance", dyn->search.median_distance, quick ? 0.5 : 0.1, Check::AtMost});
  if (!quick)
    checks.push_back({"dynamic field: median cosine to the true field", dyn->field.cosine, 0.9, Check::AtLeast});
  if (dyn->refinement)  // the refinement must fit the observed frames better than the encoder's codes
    checks.push_back({"refined codes: median fit error after / before",
                      dyn->refinement->median_loss_after / dyn->refinement->median_loss_before, quick ? 0.9 : 0.5,
                      Check::AtMost});
  return checks;
}

void print_table(const std::vector<ModelResult>& results, const References& references) {
  const std::size_t H = references.constant_velocity.step_error.size();
  auto header = [&](const char* title) {
    std::printf("\n%s\n%-20s", title, "model");
    for (std::size_t k = 1; k <= H; ++k) std::printf("   step %-3zu", k);
    std::printf("\n");
  };
  auto row = [&](const std::string& name, const std::vector<double>& v) {
    std::printf("%-20s", name.c_str());
    for (double x : v) std::printf(" %10.4g", x);
    std::printf("\n");
  };
  header("forecast: mean L2 position error per step (test)");
  for (const ModelResult& r : results) row(model_name(r.kind), r.forecast.step_error);
  row("constant velocity", references.constant_velocity.step_error);
  row("true forces (*)", references.true_forces.step_error);
  header("the paper's measure: whole-state MSE per step (positions and velocities, unnormalised)");
  for (const ModelResult& r : results) row(model_name(r.kind), r.forecast.paper.state_mse);
  row("constant velocity", references.constant_velocity.paper.state_mse);
  row("true forces (*)", references.true_forces.paper.state_mse);
  for (const auto& [part, f] : references.attribution)
    row(part == TruePart::HiddenMassField ? "dyn. + true field" : "dyn. + true pairs", f.paper.state_mse);
  for (const Published& p : kPublished)
    std::printf("%-20s %10.4g   (plotted; step %zu: %.4g)\n", (std::string(p.name) + " (paper)").c_str(), p.step1, H,
                p.step5);
  std::printf("(*) the true forces integrated like the models (their leapfrog substeps): the integrator's own error\n");
  if (!references.attribution.empty())
    std::printf(
        "dyn. + true field / pairs: the dynamic field model with the true hidden-mass field / true pair forces\n");
  std::printf("median / 90th percentile over simulations at the last step:");
  for (const ModelResult& r : results)
    std::printf("  %s %.4g / %.4g", model_name(r.kind), last(r.forecast.paper.state_mse_median),
                last(r.forecast.paper.state_mse_p90));
  for (const ModelResult& r : results)
    if (r.refit) {
      const RefinementSummary& f = *r.refit_codes;
      std::printf(
          "\n%s refit: %lld training simulations' codes refined (%.0f s%s; fit error %.4g -> %.4g; anchor to "
          "hidden mass %.4g -> %.4g), then %lld steps with them fixed (%.0f s; final loss %.4g)",
          model_name(r.kind), static_cast<long long>(f.simulations), f.seconds, f.from_cache ? ", read back" : "",
          f.median_loss_before, f.median_loss_after, f.anchor_distance_before, f.anchor_distance_after,
          static_cast<long long>(r.refit->curve_step.empty() ? 0 : r.refit->curve_step.back()), r.refit->seconds,
          r.refit->final_loss);
    }
  for (const ModelResult& r : results)
    if (r.refinement) {
      const RefinementSummary& f = *r.refinement;
      std::printf(
          "\n%s: codes refined on the observed frames (%d steps, %.0f s%s): fit error (median) %.4g -> %.4g, "
          "%.0f%% of codes moved",
          model_name(r.kind), f.steps, f.seconds, f.from_cache ? ", read back" : "", f.median_loss_before,
          f.median_loss_after, 100 * f.moved);
      if (std::isfinite(f.anchor_distance_before))
        std::printf("; anchor to hidden mass (median) %.4g -> %.4g", f.anchor_distance_before, f.anchor_distance_after);
    }
  std::printf("\n\nthe learned field against the hidden mass's (0.3 .. 2 from it) and the mass located from it\n");
  std::printf("%-20s %8s %8s %8s %12s %8s %8s %8s %10s\n", "model", "cosine", "rel L2", "scale", "median dist",
              "<= 0.1", "<= 0.2", "<= 0.5", "mass (10)");
  for (const ModelResult& r : results)
    if (r.has_field)
      std::printf("%-20s %8.3f %8.3f %8.3f %12.4g %8.2f %8.2f %8.2f %10.3g\n", model_name(r.kind), r.field.cosine,
                  r.field.relative_l2, r.field.scale, r.search.median_distance, r.search.within_01, r.search.within_02,
                  r.search.within_05, r.search.median_mass);
}

void add_results(io::Json& json, const std::vector<ModelResult>& results, const References& references,
                 const std::vector<Check>& checks) {
  io::Json models = io::Json::object();
  for (const ModelResult& r : results) {
    io::Json m = io::Json::object({{"description", r.description},
                                   {"parameters", static_cast<double>(r.parameters)},
                                   {"train_seconds", r.training.seconds},
                                   {"ms_per_step", r.training.ms_per_step},
                                   {"final_loss", examples::json_number(r.training.final_loss)},
                                   {"forecast", forecast_json(r.forecast)}});
    if (r.has_field) {
      m.set("field_recovery", io::Json::object({{"median_cosine", r.field.cosine},
                                                {"relative_l2", r.field.relative_l2},
                                                {"scale", r.field.scale},
                                                {"points", static_cast<double>(r.field.points)}}));
      m.set("hidden_mass", search_json(r.search));
    }
    if (r.refit)
      m.set("refit", io::Json::object({{"codes", refinement_json(*r.refit_codes)},
                                       {"train_seconds", r.refit->seconds},
                                       {"final_loss", examples::json_number(r.refit->final_loss)}}));
    if (r.refinement) m.set("code_refinement", refinement_json(*r.refinement));
    models.set(model_name(r.kind), m);
  }
  io::Json published = io::Json::object();
  for (const Published& p : kPublished)
    published.set(p.name, io::Json::object({{"state_mse_step_1", p.step1}, {"state_mse_step_5", p.step5}}));
  json.set("models", models);
  json.set("constant_velocity", forecast_json(references.constant_velocity));
  json.set("true_forces_same_integrator", forecast_json(references.true_forces));
  if (!references.attribution.empty()) {
    io::Json parts = io::Json::object();
    for (const auto& [part, f] : references.attribution) parts.set(true_part_name(part), forecast_json(f));
    json.set("error_attribution", parts);  // of the dynamic field model
  }
  json.set("published_state_mse", published);
  json.set("checks", examples::checks_json(checks));
}

void write_files(const std::string& out, const std::vector<ModelResult>& results, const References& references,
                 std::int64_t observed) {
  // forecast_metrics.csv: one row per model and step.
  std::string text = "model,step";
  for (const Measure& m : kMeasures) (text += ',') += m.name;
  text += '\n';
  auto rows = [&](const std::string& name, const Forecast& f) {
    for (std::size_t k = 0; k < f.paper.state_mse.size(); ++k) {
      text += name + ',' + std::to_string(k + 1);
      for (const Measure& m : kMeasures) (text += ',') += number_text((f.paper.*m.values)[k]);
      text += '\n';
    }
  };
  for (const ModelResult& r : results) rows(model_name(r.kind), r.forecast);
  rows("constant_velocity", references.constant_velocity);
  rows("true_forces_same_integrator", references.true_forces);
  for (const auto& [part, f] : references.attribution) rows(std::string("dynamic_field+") + true_part_name(part), f);
  io::write_file_atomic(out + "forecast_metrics.csv", text);

  // forecast_errors.csv: one row per model and test simulation, for a look at the worst forecasts.
  const std::size_t H = results.empty() ? 0 : results.front().forecast.paper.state_se.size();
  std::string e = "model,simulation,closest_approach,fit_error_before,fit_error_after";
  for (std::size_t k = 1; k <= H; ++k) e += ",state_se_step" + std::to_string(k);
  e += '\n';
  for (const ModelResult& r : results)
    for (std::size_t s = 0; s < references.closest_approach.size(); ++s) {
      auto per_sim = [&](const std::vector<double>& v) { return s < v.size() ? number_text(v[s]) : std::string(); };
      e += std::string(model_name(r.kind)) + ',' + std::to_string(s) + ',' +
           number_text(references.closest_approach[s]) + ',' + per_sim(r.fit_before) + ',' + per_sim(r.fit_after);
      for (const std::vector<double>& step : r.forecast.paper.state_se) (e += ',') += per_sim(step);
      e += '\n';
    }
  io::write_file_atomic(out + "forecast_errors.csv", e);

  const ModelResult* dyn = find_model(results, ModelKind::DynamicField);
  if (dyn) {  // hidden_mass.csv
    const HiddenMassSearch& s = dyn->search;
    std::string h = "simulation,true_x,true_y,true_z,located_x,located_y,located_z,distance,mass\n";
    for (std::size_t i = 0; i < s.distance.size(); ++i) {
      h += std::to_string(i);
      for (std::size_t c = 0; c < 3; ++c) (h += ',') += number_text(s.truth[i * 3 + c]);
      for (std::size_t c = 0; c < 3; ++c) (h += ',') += number_text(s.located[i * 3 + c]);
      h += ',' + number_text(s.distance[i]) + ',' + number_text(s.mass[i]) + '\n';
    }
    io::write_file_atomic(out + "hidden_mass.csv", h);
  }

  io::svg::LinePlot training{
      .title = "training loss", .x_label = "step", .y_label = "loss", .log_y = true, .series = {}};
  io::svg::LinePlot forecast{.title = "whole-state MSE after " + std::to_string(observed) + " observed frames",
                             .x_label = "frames ahead",
                             .y_label = "MSE",
                             .log_y = true,
                             .series = {}};
  for (const ModelResult& r : results) {
    training.series.push_back(
        {.name = model_name(r.kind), .x = r.training.curve_step, .y = r.training.curve_loss, .color = ""});
    std::vector<double> ks;
    for (std::size_t k = 1; k <= r.forecast.paper.state_mse.size(); ++k) ks.push_back(double(k));
    forecast.series.push_back({.name = model_name(r.kind), .x = ks, .y = r.forecast.paper.state_mse, .color = ""});
  }
  for (const Published& p : kPublished)
    forecast.series.push_back(
        {.name = std::string(p.name) + " (paper)", .x = {1, 5}, .y = {p.step1, p.step5}, .color = ""});
  io::svg::write_svg(out + "training.svg", {training});
  io::svg::write_svg(out + "forecast.svg", {forecast});
  if (!dyn) return;
  // field.svg: the field of test simulation 0 in the plane of its hidden mass, learned and true.
  const FieldPlane& p = dyn->plane;
  io::svg::QuiverPlot learned, truth;
  learned.x = truth.x = p.xs;
  learned.y = truth.y = p.ys;
  learned.u = p.learned_u, learned.v = p.learned_v;
  truth.u = p.true_u, truth.v = p.true_v;
  learned.title = "learned field (x, y), test simulation 0 ('o': located)";
  truth.title = "true field of the hidden mass ('x')";
  for (io::svg::QuiverPlot* q : {&learned, &truth}) {
    q->x_label = "x", q->y_label = "y", q->unit_arrows = true;
    q->markers = {{.x = p.hidden_x, .y = p.hidden_y, .symbol = 'x', .color = "black"}};
  }
  if (!dyn->search.located.empty() && std::isfinite(dyn->search.located[0]))
    learned.markers.push_back(
        {.x = dyn->search.located[0], .y = dyn->search.located[1], .symbol = 'o', .color = "#d62728"});
  io::svg::write_svg(out + "field.svg", {learned, truth}, 420, 400);
}

}  // namespace dg::gravity_field
