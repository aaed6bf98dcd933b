// The training helper: it learns (a linear fit reaches the exact solution), it is reproducible
// from its seed, a run split by a checkpoint equals the run in one piece bit for bit, and its
// metrics files (CSV and JSON lines) hold the documented rows.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "autodiff/parallel.hpp"
#include "nn/adam.hpp"
#include "nn/dropout.hpp"
#include "nn/checkpoint.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"
#include "nn/sgd.hpp"
#include "nn/trainer.hpp"

using namespace dg;
using namespace dg::nn;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("dg_nn_trainer_" + std::to_string(::getpid()) + "_" + name)).string();
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The number after "key": in a flat JSON object line (NaN if absent).
double json_number(const std::string& line, const std::string& key) {
  const std::size_t at = line.find("\"" + key + "\":");
  return at == std::string::npos ? std::nan("") : std::strtod(line.c_str() + at + key.size() + 3, nullptr);
}

// y = 2 x0 - 3 x1 + 0.5 on 50 points.
struct LinearData {
  Tensor<double> x{Shape{50, 2}}, y{Shape{50, 1}};
  LinearData() {
    for (index_t i = 0; i < 50; ++i) {
      x(i, 0) = std::sin(double(i)), x(i, 1) = std::cos(1.7 * double(i));
      y[i] = 2 * x(i, 0) - 3 * x(i, 1) + 0.5;
    }
  }
};

}  // namespace

TEST_CASE("fit learns a linear map and logs one CSV row per epoch") {
  LinearData d;
  Philox rng(1);
  Linear<double> lin(2, 1, rng);
  SGD<double> opt(lin.parameters(), {.lr = 0.1, .momentum = 0.9});
  const std::string csv = temp_path("metrics.csv");
  std::vector<double> seen;
  const TrainResult r = fit(
      lin, opt, d.x, d.y, [&](Tape<double>& t, Var<double> x, Var<double> y) { return mse_loss(lin(t, x), y); },
      {.epochs = 60, .batch_size = 10, .seed = 3, .metrics_path = csv,
       .on_epoch = [&](std::int64_t, double loss) { seen.push_back(loss); }});
  CHECK(r.steps == 60 * 5);
  REQUIRE(r.epoch_loss.size() == 60);
  CHECK(seen == r.epoch_loss);
  CHECK(r.epoch_loss.front() > 0.1);
  CHECK(r.epoch_loss.back() < 1e-10);
  CHECK(lin.weight.value[0] == doctest::Approx(2.0).epsilon(1e-5));
  CHECK(lin.weight.value[1] == doctest::Approx(-3.0).epsilon(1e-5));
  CHECK(lin.bias.value[0] == doctest::Approx(0.5).epsilon(1e-5));
  // The CSV: header, then epoch, step, loss, lr, seconds per epoch; the loss reads back exactly.
  const auto lines = lines_of(csv);
  REQUIRE(lines.size() == 61);
  CHECK(lines[0] == "epoch,step,loss,lr,seconds");
  std::istringstream row(lines[3]);
  double epoch, step, loss, lr;
  char comma;
  row >> epoch >> comma >> step >> comma >> loss >> comma >> lr;
  CHECK(epoch == 2);
  CHECK(step == 15);
  CHECK(loss == r.epoch_loss[2]);
  CHECK(lr == 0.1);
  fs::remove(csv);
}

TEST_CASE("the same seed repeats a run; a run resumed from a checkpoint equals the run in one piece") {
  const index_t n = 40;
  Tensor<float> x(Shape{n, 1}), y(Shape{n, 1});
  for (index_t i = 0; i < n; ++i) x[i] = float(-2 + 4 * double(i) / double(n - 1)), y[i] = std::tanh(2 * x[i]);
  const Schedule schedule = warmup(cosine_schedule(1e-2, 60), 5);
  const std::string metrics = temp_path("resume.jsonl");
  auto options = [&](std::int64_t first, std::int64_t last) {
    return TrainOptions{.epochs = last, .first_epoch = first, .batch_size = 8, .seed = 11, .clip_norm = 1.0,
                        .schedule = schedule, .quiet = true, .metrics_path = metrics};
  };
  auto run = [&](MLP<float>& net, Adam<float>& opt, std::int64_t first, std::int64_t last) {
    return fit(net, opt, x, y, [&](Tape<float>& t, Var<float> xb, Var<float> yb) { return mse_loss(net(t, xb), yb); },
               options(first, last));
  };
  Philox r1(4);
  MLP<float> whole({1, 16, 1}, r1);
  Adam<float> whole_opt(whole.parameters());
  const TrainResult all = run(whole, whole_opt, 0, 12);

  // The same seed gives the same run.
  Philox r2(4);
  MLP<float> again({1, 16, 1}, r2);
  Adam<float> again_opt(again.parameters());
  CHECK(run(again, again_opt, 0, 12).epoch_loss == all.epoch_loss);

  // Six epochs, save, load into a fresh model, six more.
  Philox r3(4);
  MLP<float> first_half({1, 16, 1}, r3);
  Adam<float> first_opt(first_half.parameters());
  const TrainResult a = run(first_half, first_opt, 0, 6);
  const std::string path = temp_path("resume.npz");
  save_checkpoint(path, first_half, first_opt, {.step = 6});
  Philox r4(123);
  MLP<float> second_half({1, 16, 1}, r4);
  Adam<float> second_opt(second_half.parameters());
  CHECK(load_checkpoint(path, second_half, second_opt).step == 6);
  const TrainResult b = run(second_half, second_opt, 6, 12);
  std::vector<double> joined = a.epoch_loss;
  joined.insert(joined.end(), b.epoch_loss.begin(), b.epoch_loss.end());
  CHECK(joined == all.epoch_loss);
  const auto pw = whole.parameters(), ps = second_half.parameters();
  for (std::size_t k = 0; k < pw.size(); ++k) CHECK(pw[k].param->value.to_vector() == ps[k].param->value.to_vector());
  // The resumed run appended its six rows (JSON lines) to the first run's six.
  const auto rows = lines_of(metrics);
  REQUIRE(rows.size() == 12);
  CAPTURE(rows[0]);
  CAPTURE(rows[11]);
  CHECK(json_number(rows[0], "epoch") == 0);
  CHECK(json_number(rows[0], "step") == 5);
  CHECK(json_number(rows[11], "epoch") == 11);
  CHECK(json_number(rows[11], "step") == 60);
  CHECK(json_number(rows[11], "loss") == all.epoch_loss[11]);
  fs::remove(path);
  fs::remove(metrics);
}

TEST_CASE("training gives the same bits with 1 and 2 threads") {
  // Wide enough (256 x 128 x 128) that the matrix products, the optimiser update and the dropout
  // mask take their parallel paths.
  const index_t n = 256;
  Tensor<float> x(Shape{n, 4}), y(Shape{n, 1});
  for (index_t i = 0; i < n; ++i) {
    for (index_t c = 0; c < 4; ++c) x(i, c) = float(std::sin(0.37 * double(i * 4 + c)));
    y[i] = x(i, 0) * x(i, 1) - x(i, 2);
  }
  auto train = [&](int threads) {
    set_num_threads(threads);
    Philox rng(8);
    struct Net : Module<float> {
      MLP<float> mlp;
      Dropout<float> drop{0.1, 5};
      Linear<float> head;
      Net(Philox& r) : mlp({4, 128, 128}, r, {.final_activation = Activation::Silu}), head(128, 1, r) {
        register_module("mlp", mlp);
        register_module("drop", drop);
        register_module("head", head);
      }
    } net(rng);
    Adam<float> opt(net.parameters(), {.lr = 1e-3, .weight_decay = 1e-3});
    fit(net, opt, x, y,
        [&](Tape<float>& t, Var<float> xb, Var<float> yb) {
          return mse_loss(net.head(t, net.drop(t, net.mlp(t, xb))), yb);
        },
        {.epochs = 3, .batch_size = 128, .seed = 2, .quiet = true});
    std::vector<std::vector<float>> values;
    for (const auto& p : net.parameters()) values.push_back(p.param->value.to_vector());
    return values;
  };
  const int before = num_threads();
  const auto one = train(1), two = train(2);
  set_num_threads(before);
  CHECK(one == two);
}
