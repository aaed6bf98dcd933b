// The table, the check and the files of the egnn_nbody experiment (report.hpp).
#include "examples/egnn_nbody/report.hpp"

#include <cmath>
#include <cstdio>

#include "examples/egnn_nbody/evaluate.hpp"
#include "io/csv.hpp"
#include "io/svg.hpp"

namespace dg::egnn_nbody {

void print_table(const std::vector<NetworkResult>& nets, const LinearResult& linear, const RunShape& shape) {
  std::printf("\n%-8s %12s %12s %10s %10s %12s\n", "model", "test MSE", "published", "best epoch", "train s", "val MSE");
  for (const NetworkResult& n : nets)
    std::printf("%-8s %12.5f %12.4f %10lld %10.1f %12.5f\n", n.name.c_str(), n.training.test_mse, n.published_mse,
                static_cast<long long>(n.training.best_epoch), n.training.seconds, n.training.best_val);
  std::printf("%-8s %12.5f %12.4f %10s %10s %12s   (x + t v, t = %.4f fitted; frame gap %.4g)\n", "linear", linear.mse,
              LinearResult::published_mse, "-", "-", "-", linear.t, linear.frame_gap);
  std::printf("(%lld epochs of %lld steps, batch %lld, %s lr %g)\n", static_cast<long long>(shape.epochs),
              static_cast<long long>(shape.steps_per_epoch), static_cast<long long>(shape.batch), shape.schedule.c_str(),
              shape.lr);
}

std::vector<examples::Check> make_checks(const std::vector<NetworkResult>& nets, const LinearResult& linear) {
  return {{"EGNN test MSE / linear test MSE", nets[0].training.test_mse / linear.mse, 0.5, examples::Check::AtMost}};
}

void write_files(const std::string& out, const std::vector<NetworkResult>& nets, const LinearResult& linear,
                 const RunShape& shape, datasets::WindowLoader<float>& test_loader, index_t particles) {
  const TrainResult &egnn = nets[0].training, &gnn = nets[1].training;
  {
    io::MetricsLogger log(out + "training.csv", {"epoch", "egnn_train_loss", "gnn_train_loss", "egnn_val_mse", "gnn_val_mse",
                                              "egnn_max_grad_norm", "gnn_max_grad_norm"});
    std::size_t v = 0;
    for (std::int64_t e = 0; e < shape.epochs; ++e) {
      const bool has_val = v < egnn.val_epoch.size() && egnn.val_epoch[v] == e + 1;
      log.log({double(e + 1), egnn.train_loss[std::size_t(e)], gnn.train_loss[std::size_t(e)],
               has_val ? egnn.val_mse[v] : std::nan(""), has_val ? gnn.val_mse[v] : std::nan(""),
               egnn.max_grad_norm[std::size_t(e)], gnn.max_grad_norm[std::size_t(e)]});
      v += has_val ? 1 : 0;
    }
  }
  io::svg::LinePlot curves;
  curves.title = "n-body, frame " + std::to_string(shape.input_frame) + " -> " + std::to_string(shape.target_frame) + ": MSE";
  curves.x_label = "epoch";
  curves.y_label = "MSE";
  curves.log_y = true;
  for (const NetworkResult& n : nets) {
    io::svg::Series train_s{.name = n.name + " train", .x = {}, .y = n.training.train_loss, .color = ""};
    for (std::size_t e = 0; e < n.training.train_loss.size(); ++e) train_s.x.push_back(double(e + 1));
    io::svg::Series val_s{.name = n.name + " validation", .x = {}, .y = n.training.val_mse, .color = ""};
    for (std::int64_t e : n.training.val_epoch) val_s.x.push_back(double(e));
    curves.series.push_back(std::move(train_s));
    curves.series.push_back(std::move(val_s));
  }
  curves.series.push_back({.name = "linear (test)", .x = {1.0, double(shape.epochs)}, .y = {linear.mse, linear.mse}, .color = "#7f7f7f"});
  io::svg::write_svg(out + "training.svg", {curves}, 640, 420);

  // Three test simulations: start, truth and each model's prediction, projected on (x, y).
  std::vector<io::svg::Panel> panels;
  test_loader.start_epoch(0);
  const Batch& b = test_loader.batch(0);
  std::vector<Model*> models;
  for (const NetworkResult& n : nets) models.push_back(n.model);
  const std::vector<Tensor<float>> preds = predictions(models, b);
  const index_t n = particles;
  for (index_t s = 0; s < std::min<index_t>(3, b.size); ++s) {
    io::svg::ScatterPlot p;
    p.title = "test simulation " + std::to_string(b.simulation[std::size_t(s)]) + " (x, y)";
    p.x_label = "x";
    p.y_label = "y";
    p.lines = false;
    auto points = [&](const std::string& name, const Tensor<float>& t, const char* color, double dt_lin) {
      io::svg::Series ser{.name = name, .x = {}, .y = {}, .color = color};
      for (index_t i = s * n; i < (s + 1) * n; ++i) {
        ser.x.push_back(t(i, 0) + dt_lin * b.input_velocities[0](i, 0));
        ser.y.push_back(t(i, 1) + dt_lin * b.input_velocities[0](i, 1));
      }
      return ser;
    };
    p.series = {points("frame " + std::to_string(shape.input_frame), b.input_positions[0], "#bbbbbb", 0),
                points("truth", b.target_positions[0], "#000000", 0), points("egnn", preds[0], "#1f77b4", 0),
                points("gnn", preds[1], "#ff7f0e", 0), points("linear", b.input_positions[0], "#2ca02c", linear.t)};
    panels.push_back(p);
  }
  io::svg::write_svg(out + "predictions.svg", panels, 360, 360);
}

void add_results(io::Json& res, const NBodyData& data, const std::vector<NetworkResult>& nets, const LinearResult& linear,
                 const std::vector<examples::Check>& checks) {
  res.set("data", io::Json::object({{"origin", data.origin}, {"train", data.train.sims}, {"val", data.val.sims}, {"test", data.test.sims}}));
  io::JsonObject per_model;
  for (const NetworkResult& n : nets)
    per_model.emplace_back(n.name, io::Json::object({{"test_mse", n.training.test_mse},
                                                     {"best_val_mse", n.training.best_val},
                                                     {"best_epoch", n.training.best_epoch},
                                                     {"final_train_loss", n.training.train_loss.back()},
                                                     {"train_seconds", n.training.seconds},
                                                     {"train_seconds_all_runs", n.training.seconds_all},
                                                     {"resumed_from_epoch", n.training.resumed_from},
                                                     {"published_test_mse", n.published_mse},
                                                     {"description", n.model->describe()}}));
  per_model.emplace_back("linear", io::Json::object({{"test_mse", linear.mse}, {"fitted_t", linear.t},
                                                     {"published_test_mse", LinearResult::published_mse}}));
  res.set("models", io::Json(std::move(per_model)));
  res.set("checks", examples::checks_json(checks));
}

}  // namespace dg::egnn_nbody
