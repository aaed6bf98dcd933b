// Tables, checks, JSON, pictures and arrays of the field-discovery experiment (report.hpp).
#include "examples/field_discovery/report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "io/file.hpp"
#include "io/npy.hpp"
#include "io/svg.hpp"

namespace dg::field_discovery {

namespace {

const ModelResult* find_model(const std::vector<ModelResult>& results, ModelKind kind) {
  for (const ModelResult& r : results)
    if (r.kind == kind) return &r;
  return nullptr;
}

// The paper's measures per step (nn/forecast_metrics.hpp) by name, each (H) over steps 1 .. H:
// the keys of results.json's paper_metrics and the columns of forecast_metrics.csv.
std::vector<std::pair<std::string, const std::vector<double>*>> paper_columns(const nn::ForecastMetrics& m) {
  return {{"state_mse", &m.state_mse},         {"position_mse", &m.position_mse},
          {"velocity_mse", &m.velocity_mse},   {"position_l2", &m.position_l2},
          {"velocity_l2", &m.velocity_l2},     {"state_mse_median", &m.state_mse_median},
          {"state_mse_p90", &m.state_mse_p90}};
}

io::Json paper_json(const nn::ForecastMetrics& m) {
  io::Json out = io::Json::object();
  for (const auto& [name, values] : paper_columns(m)) out.set(name, examples::json_numbers(*values));
  return out;
}

std::string csv_number(double v) {  // shortest round-trip text; NaN as "nan" (pandas, numpy read it)
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// forecast_metrics.csv: one row per model and forecast step.
void write_forecast_csv(const std::string& path, const std::vector<ModelResult>& results) {
  std::string text = "model,step";
  for (const auto& column : paper_columns(nn::ForecastMetrics{})) (text += ',') += column.first;
  text += "\n";
  for (const ModelResult& r : results) {
    const nn::ForecastMetrics& m = r.forecast.paper;
    for (std::size_t k = 0; k < m.state_mse.size(); ++k) {
      ((text += model_name(r.kind)) += ',') += std::to_string(k + 1);
      for (const auto& column : paper_columns(m)) (text += ',') += csv_number((*column.second)[k]);
      text += "\n";
    }
  }
  io::write_file_atomic(path, text);
}

io::Json field_json(const FieldMetrics& m) {
  return io::Json::object({{"median_cosine", m.cosine},
                           {"weighted_median_cosine", m.weighted_cosine},
                           {"relative_l2", m.relative_l2},
                           {"weighted_relative_l2", m.weighted_relative_l2},
                           {"scale", m.scale},
                           {"weighted_scale", m.weighted_scale},
                           {"grid_points_evaluated", m.points}});
}

// '+' / '-' markers at the sources.
std::vector<io::svg::PointMarker> source_markers(const ElectrostaticData& data) {
  std::vector<io::svg::PointMarker> markers;
  for (index_t s = 0; s < data.source_charges.numel(); ++s) {
    io::svg::PointMarker m;
    m.x = data.source_positions[2 * s];
    m.y = data.source_positions[2 * s + 1];
    m.symbol = data.source_charges[s] > 0 ? '+' : '-';
    m.color = data.source_charges[s] > 0 ? "#d62728" : "#1f77b4";
    markers.push_back(m);
  }
  return markers;
}

// A quiver panel of `field` (G*G, 2) on every `stride`-th grid point.
io::svg::QuiverPlot quiver(const std::string& title, const FieldGrid& grid, const Tensor<double>& field, index_t stride,
                           double max_magnitude, const ElectrostaticData& data) {
  const index_t G = static_cast<index_t>(grid.xs.size());
  io::svg::QuiverPlot q;
  q.title = title;
  q.x_label = "x";
  q.y_label = "y";
  for (index_t i = 0; i < G; i += stride) q.x.push_back(grid.xs[static_cast<std::size_t>(i)]);
  for (index_t j = 0; j < G; j += stride) q.y.push_back(grid.ys[static_cast<std::size_t>(j)]);
  for (index_t j = 0; j < G; j += stride)
    for (index_t i = 0; i < G; i += stride) {
      q.u.push_back(field[2 * (j * G + i)]);
      q.v.push_back(field[2 * (j * G + i) + 1]);
    }
  q.unit_arrows = true;  // 1/r^2 fields: direction by arrows, size by colour
  q.max_magnitude = max_magnitude;
  q.markers = source_markers(data);
  return q;
}

io::Array grid_array(const Tensor<double>& field, index_t G) {  // (G*G, 2) -> (G, G, 2), y first
  return io::Array::from<double>({G, G, 2}, field.data());
}

// The whole-state MSE at the steps shown, with its median and 90th percentile over simulations.
void print_paper_table(const std::vector<ModelResult>& results, const std::vector<int>& steps_shown) {
  std::printf("\nwhole-state MSE (positions and velocities, the paper's measure): mean [median, 90th percentile]\n%-10s",
              "model");
  for (int k : steps_shown) std::printf(" %30s", ("step " + std::to_string(k)).c_str());
  std::printf("\n");
  for (const ModelResult& r : results) {
    const nn::ForecastMetrics& m = r.forecast.paper;
    std::printf("%-10s", model_name(r.kind));
    for (int k : steps_shown) {
      const auto K = static_cast<std::size_t>(k - 1);
      std::printf("  %9.4f [%8.4f, %8.4f]", m.state_mse[K], m.state_mse_median[K], m.state_mse_p90[K]);
    }
    std::printf("\n");
  }
}

}  // namespace

std::vector<Check> make_checks(const std::vector<ModelResult>& results, bool quick) {
  using enum Check::Direction;
  std::vector<Check> checks;
  const ModelResult* field = find_model(results, ModelKind::Field);
  const ModelResult* base = find_model(results, ModelKind::NoField);
  for (const ModelResult& r : results)
    checks.push_back({std::string(model_name(r.kind)) + ": rollouts finite", r.forecast.finite ? 1.0 : 0.0, 1.0,
                      AtLeast, true});
  if (field && base) {
    const double ratio = field->forecast.step_error.back() / base->forecast.step_error.back();
    checks.push_back({"step-" + std::to_string(field->forecast.step_error.size()) + " error, field / no-field baseline",
                      ratio, quick ? 1.0 : 0.45, AtMost});
  }
  // The point sources exist to sharpen the field's cores, which the first forecast step measures.
  if (const ModelResult* sourced = find_model(results, ModelKind::FieldSources); sourced && field)
    checks.push_back({"step-1 whole-state MSE, field_sources / field",
                      sourced->forecast.paper.state_mse.front() / field->forecast.paper.state_mse.front(), 1.0,
                      AtMost});
  if (field && !quick) {
    const FieldMetrics& m = field->field_metrics;
    checks.push_back({"field median cosine", m.cosine, 0.97, AtLeast});
    checks.push_back({"field median cosine, density-weighted", m.weighted_cosine, 0.99, AtLeast});
    checks.push_back({"field relative L2 error", m.relative_l2, 0.3, AtMost});
    checks.push_back({"field relative L2 error, density-weighted", m.weighted_relative_l2, 0.15, AtMost});
    checks.push_back({"field scale |s - 1|", std::abs(m.scale - 1.0), 0.05, AtMost});
  }
  return checks;
}

void print_divergences(const std::vector<ModelResult>& results) {
  for (const ModelResult& r : results) {
    const Forecast& f = r.forecast;
    if (f.finite) continue;
    const std::string sim = f.diverged_sim >= 0 ? "test simulation " + std::to_string(f.diverged_sim) : "a test simulation";
    if (f.diverged_step > 0)
      std::fprintf(stderr, "%s: the forecast of %s diverged before step %lld: %s\n", model_name(r.kind), sim.c_str(),
                   static_cast<long long>(f.diverged_step), f.divergence.c_str());
    else
      std::fprintf(stderr, "%s: a forecast error is not finite\n", model_name(r.kind));
  }
}

void print_table(const std::vector<ModelResult>& results, const std::vector<int>& steps_shown) {
  std::printf("\n%-10s", "model");
  for (int k : steps_shown) std::printf(" %9s", ("step " + std::to_string(k)).c_str());
  std::printf(" %10s %9s %15s %15s %14s\n", "MSE", "train s", "field cos (w)", "rel L2 (w)", "scale (w)");
  for (const ModelResult& r : results) {
    std::printf("%-10s", model_name(r.kind));
    for (int k : steps_shown) std::printf(" %9.4f", r.forecast.step_error[static_cast<std::size_t>(k - 1)]);
    std::printf(" %10.5f %9.1f", r.forecast.mse, r.training.seconds);
    if (r.has_field) {
      const FieldMetrics& m = r.field_metrics;
      std::printf("   %5.3f (%5.3f)   %5.3f (%5.3f)  %5.3f (%5.3f)\n", m.cosine, m.weighted_cosine, m.relative_l2,
                  m.weighted_relative_l2, m.scale, m.weighted_scale);
    } else {
      std::printf(" %15s %15s %14s\n", "-", "-", "-");
    }
  }
  print_paper_table(results, steps_shown);
}

void print_reference_forecast(const char* label, const Forecast& f, const std::vector<int>& steps_shown,
                              const std::string& description) {
  std::printf("%-10s", label);
  for (int k : steps_shown) {
    const auto K = static_cast<std::size_t>(k - 1);
    const nn::ForecastMetrics& m = f.paper;
    std::printf("  %9.4f [%8.4f, %8.4f]", m.state_mse[K], m.state_mse_median[K], m.state_mse_p90[K]);
  }
  std::printf("   %s\n", description.c_str());
}

io::Json reference_forecast_json(const Forecast& f, int substeps) {
  return io::Json::object({{"substeps", static_cast<std::int64_t>(substeps)},
                           {"forecast_finite", f.finite},
                           {"step_errors", examples::json_numbers(f.step_error)},
                           {"paper_metrics", paper_json(f.paper)}});
}

io::Json results_json(const std::vector<ModelResult>& results, const std::vector<Check>& checks,
                      const std::vector<std::pair<std::string, std::string>>& settings, const ElectrostaticData& data,
                      const FieldGrid& grid, double seconds) {
  io::Json models = io::Json::object();
  for (const ModelResult& r : results) {
    const Forecast& f = r.forecast;
    using examples::json_number;
    // Errors at steps 1, 10 and the last (H), each named by its step; NaN (a diverged forecast) is null.
    io::Json m = io::Json::object({{"description", r.description},
                                   {"parameters", r.parameters},
                                   {"train_seconds", r.training.seconds},
                                   {"ms_per_step", r.training.ms_per_step},
                                   {"resumed_from_step", r.training.resumed_from},
                                   {"final_train_loss", json_number(r.training.final_loss)},
                                   {"forecast_finite", f.finite}});
    for (const std::size_t k : {std::size_t{1}, std::size_t{10}, f.step_error.size()})
      if (k <= f.step_error.size()) m.set("step_" + std::to_string(k) + "_error", json_number(f.step_error[k - 1]));
    m.set("mse", json_number(f.mse));
    m.set("step_errors", examples::json_numbers(f.step_error));
    if (!f.finite) {
      m.set("diverged_simulation", f.diverged_sim);
      m.set("diverged_step", f.diverged_step);
    }
    if (r.has_field) m.set("field", field_json(r.field_metrics));
    m.set("paper_metrics", paper_json(f.paper));
    models.set(model_name(r.kind), std::move(m));
  }
  io::Json settings_json = io::Json::object();
  for (const auto& [k, v] : settings) settings_json.set(k, v);
  bool all = true;
  for (const Check& c : checks) all = all && c.passed();
  return io::Json::object({{"experiment", "field_discovery"},
                           {"data", data.origin},
                           {"train_simulations", data.train_sims},
                           {"test_simulations", data.test.sims},
                           {"grid", io::Json::object({{"points_per_axis", static_cast<std::int64_t>(grid.xs.size())},
                                                      {"x", io::Json::array({grid.xs.front(), grid.xs.back()})},
                                                      {"y", io::Json::array({grid.ys.front(), grid.ys.back()})}})},
                           {"models", std::move(models)},
                           {"checks", examples::checks_json(checks)},
                           {"all_checks_passed", all},
                           {"settings", std::move(settings_json)},
                           {"seconds", seconds}});
}

void write_files(const std::string& out, const std::vector<ModelResult>& results, const ElectrostaticData& data,
                 const FieldGrid& grid, std::int64_t observed) {
  const index_t G = static_cast<index_t>(grid.xs.size());
  const index_t stride = std::max<index_t>(1, (G + 29) / 30);
  // The colour scale: the 90th percentile of the true field's magnitude.
  std::vector<double> magnitude;
  for (index_t p = 0; p < G * G; ++p) magnitude.push_back(std::hypot(grid.truth[2 * p], grid.truth[2 * p + 1]));
  std::nth_element(magnitude.begin(), magnitude.begin() + static_cast<std::ptrdiff_t>(magnitude.size() * 9 / 10),
                   magnitude.end());
  const double top = magnitude[magnitude.size() * 9 / 10];
  std::vector<io::svg::Panel> field_panels = {quiver("true field (force per unit charge)", grid, grid.truth, stride, top, data)};
  for (const ModelResult& r : results)
    if (r.has_field) field_panels.push_back(quiver(std::string("learned field (") + model_name(r.kind) + ")", grid, r.field, stride, top, data));
  io::svg::write_svg(out + "field.svg", field_panels);

  // Three test simulations: observed frames, the true future and each model's forecast.
  const datasets::Trajectories& t = data.test;
  const char* colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};
  std::vector<io::svg::Panel> paths;
  for (std::int64_t s = 0; s < std::min<std::int64_t>(3, t.sims); ++s) {
    io::svg::ScatterPlot plot;
    plot.title = "test simulation " + std::to_string(s);
    plot.point_markers = false;
    for (std::int64_t i = 0; i < t.particles; ++i) {
      io::svg::Series seen{i == 0 ? "observed" : "", {}, {}, "#999999"}, truth{i == 0 ? "true future" : "", {}, {}, "black"};
      for (std::int64_t f = 0; f < t.frames; ++f) {
        const double* x = t.positions_at(s, f) + i * 2;
        io::svg::Series& series = f < observed ? seen : truth;
        series.x.push_back(x[0]);
        series.y.push_back(x[1]);
      }
      plot.series.push_back(seen);
      plot.series.push_back(truth);
      for (std::size_t m = 0; m < results.size(); ++m) {
        const Forecast& fc = results[m].forecast;
        const std::int64_t H = fc.horizon;
        io::svg::Series pred{i == 0 ? model_name(results[m].kind) : "", {}, {}, colors[m % 4]};
        for (std::int64_t k = 0; k < H; ++k) {
          const auto at = static_cast<std::size_t>(((s * H + k) * t.particles + i) * 2);
          pred.x.push_back(fc.positions[at]);
          pred.y.push_back(fc.positions[at + 1]);
        }
        plot.series.push_back(pred);
      }
    }
    paths.push_back(plot);
  }
  io::svg::write_svg(out + "trajectories.svg", paths);

  io::svg::LinePlot curves;
  curves.title = "training loss (position MSE over the window)";
  curves.x_label = "step";
  curves.y_label = "loss";
  curves.log_y = true;
  for (const ModelResult& r : results)
    curves.series.push_back({model_name(r.kind), r.training.curve_step, r.training.curve_loss, ""});
  io::svg::LinePlot errors;
  errors.title = "forecast error (test)";
  errors.x_label = "frames after the last observed one";
  errors.y_label = "mean L2 position error";
  for (const ModelResult& r : results) {
    io::svg::Series e{model_name(r.kind), {}, r.forecast.step_error, ""};
    for (std::size_t k = 0; k < r.forecast.step_error.size(); ++k) e.x.push_back(double(k + 1));
    errors.series.push_back(e);
  }
  io::svg::write_svg(out + "training.svg", {curves, errors});

  io::NamedArrays arrays;
  arrays.emplace_back("grid_x", io::Array::from<double>({G}, grid.xs));
  arrays.emplace_back("grid_y", io::Array::from<double>({G}, grid.ys));
  arrays.emplace_back("true_field", grid_array(grid.truth, G));
  arrays.emplace_back("evaluated", io::Array::from<double>({G, G}, grid.keep));
  arrays.emplace_back("density", io::Array::from<double>({G, G}, grid.density));
  arrays.emplace_back("source_positions", io::Array::from<double>({data.source_charges.numel(), 2}, data.source_positions.data()));
  arrays.emplace_back("source_charges", io::Array::from<double>({data.source_charges.numel()}, data.source_charges.data()));
  for (const ModelResult& r : results) {
    const std::string name = model_name(r.kind);
    if (r.has_field) arrays.emplace_back("learned_field_" + name, grid_array(r.field, G));
    const Forecast& f = r.forecast;
    arrays.emplace_back("forecast_" + name, io::Array::from<double>({f.sims, f.horizon, f.particles, f.dim}, f.positions));
    arrays.emplace_back("forecast_velocities_" + name,
                        io::Array::from<double>({f.sims, f.horizon, f.particles, f.dim}, f.velocities));
    arrays.emplace_back("step_error_" + name, io::Array::from<double>({static_cast<std::int64_t>(r.forecast.step_error.size())}, r.forecast.step_error));
  }
  // The true future of the test simulations, (S, H, N, 2), to compare with the forecasts.
  if (!results.empty()) {
    const Forecast& f = results.front().forecast;
    const std::vector<std::int64_t> shape{f.sims, f.horizon, f.particles, f.dim};
    arrays.emplace_back("forecast_truth", io::Array::from<double>(shape, future_frames(t.positions, t, observed, f.horizon)));
    arrays.emplace_back("forecast_truth_velocities",
                        io::Array::from<double>(shape, future_frames(t.velocities, t, observed, f.horizon)));
  }
  io::write_npz(out + "field_discovery.npz", arrays);
  write_forecast_csv(out + "forecast_metrics.csv", results);
}

}  // namespace dg::field_discovery
