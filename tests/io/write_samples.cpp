// Writes sample files with dynagrad's io/ into a folder, for check_with_python.py to open with
// numpy (arrays), json (results), csv and xml.etree (plots). Usage: write_samples OUT_DIR
// The array values follow formulas that the Python side recomputes:
//   f32_4x3[i, j] = (3 i + j) * 0.5 - 2     f64_2x3x4[n] = n / 7 (flat index n)
//   i32_6[n] = 1 - 3 n                     i64_5[n] = n * 2^40 + n
//   f64_scalar = 1 / 3 (0-d)                i64_empty: shape (0, 5)
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "io/file.hpp"
#include "io/json.hpp"
#include "io/npy.hpp"
#include "io/svg.hpp"

using namespace dg::io;

namespace {

NamedArrays sample_arrays() {
  std::vector<float> f32(12);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) f32[i * 3 + j] = (3 * i + j) * 0.5f - 2;
  std::vector<double> f64(24);
  for (int n = 0; n < 24; ++n) f64[n] = n / 7.0;
  std::vector<std::int32_t> i32(6);
  for (int n = 0; n < 6; ++n) i32[n] = 1 - 3 * n;
  std::vector<std::int64_t> i64(5);
  for (std::int64_t n = 0; n < 5; ++n) i64[n] = n * (std::int64_t(1) << 40) + n;
  const double third = 1.0 / 3.0;

  NamedArrays a;
  a.emplace_back("f32_4x3", Array::from<float>({4, 3}, f32));
  a.emplace_back("f64_2x3x4", Array::from<double>({2, 3, 4}, f64));
  a.emplace_back("i32_6", Array::from<std::int32_t>({6}, i32));
  a.emplace_back("i64_5", Array::from<std::int64_t>({5}, i64));
  a.emplace_back("f64_scalar", Array::from<double>({}, &third));
  a.emplace_back("i64_empty", Array(DType::Int64, {0, 5}));
  return a;
}

void write_plots(const std::string& dir) {
  // Loss curves on a log axis.
  svg::Series train{"train", {}, {}, ""}, val{"validation", {}, {}, ""};
  for (int e = 1; e <= 50; ++e) {
    train.x.push_back(e), train.y.push_back(1.0 / e);
    val.x.push_back(e), val.y.push_back(1.5 / std::sqrt(e));
  }
  svg::write_svg(dir + "/loss.svg", {svg::LinePlot{"Loss", "epoch", "MSE", true, {train, val}}});

  // Trajectories around two fixed charges.
  svg::Series a{"particle 1", {}, {}, ""}, b{"particle 2", {}, {}, ""};
  for (int k = 0; k <= 100; ++k) {
    const double t = 0.0628 * k;
    a.x.push_back(std::cos(t)), a.y.push_back(std::sin(t));
    b.x.push_back(0.5 * std::cos(2 * t) + 0.2), b.y.push_back(0.8 * std::sin(t));
  }
  const std::vector<svg::PointMarker> charges = {{-0.6, 0.0, '+', "#d62728"}, {0.6, 0.0, '-', "#1f77b4"}};
  svg::write_svg(dir + "/trajectories.svg", {svg::ScatterPlot{"Trajectories", "x", "y", {a, b}, true, true, charges}});

  // Dipole field, true vs "learned" (slightly perturbed), side by side with one arrow scale.
  svg::QuiverPlot truth;
  truth.title = "true field", truth.x_label = "x", truth.y_label = "y", truth.markers = charges;
  for (int i = 0; i < 15; ++i) truth.x.push_back(-1.4 + 0.2 * i);
  for (int j = 0; j < 11; ++j) truth.y.push_back(-1.0 + 0.2 * j);
  for (const double y : truth.y)
    for (const double x : truth.x) {
      double u = 0, v = 0;
      for (const auto& c : charges) {
        const double q = c.symbol == '+' ? 1 : -1, dx = x - c.x, dy = y - c.y, r2 = dx * dx + dy * dy + 0.05;
        u += q * dx / (r2 * std::sqrt(r2)), v += q * dy / (r2 * std::sqrt(r2));
      }
      truth.u.push_back(u), truth.v.push_back(v);
    }
  svg::QuiverPlot learned = truth;
  learned.title = "learned field";
  for (std::size_t k = 0; k < learned.u.size(); ++k) learned.u[k] *= 1 + 0.1 * std::sin(double(k));
  truth.unit_arrows = learned.unit_arrows = true;
  truth.max_magnitude = learned.max_magnitude = 20;
  svg::write_svg(dir + "/field.svg", {truth, learned}, 460, 400);
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const NamedArrays arrays = sample_arrays();
  for (const auto& [name, array] : arrays) write_npy(dir + "/" + name + ".npy", array);
  write_npz(dir + "/arrays.npz", arrays);
  write_file_atomic(dir + "/arrays_zip64.npz", serialize_npz(arrays, /*force_zip64=*/true));

  write_json(dir + "/results.json",
             Json::object({{"name", "sample \"run\"\n"}, {"seed", 42}, {"dt", 0.1}, {"tiny", 5e-324},
                           {"losses", Json(std::vector<double>{0.5, 0.25, 1.0 / 3.0})}, {"ok", true}, {"none", nullptr}}));
  {
    MetricsLogger csv(dir + "/metrics.csv", {"epoch", "loss"});
    MetricsLogger jsonl(dir + "/metrics.jsonl", {"epoch", "loss"});
    for (int e = 1; e <= 3; ++e) csv.log({double(e), 1.0 / e}), jsonl.log({double(e), 1.0 / e});
  }
  write_plots(dir);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "write_samples: %s\n", e.what());
  return 1;
}
