// Trains an MLP on a 1-D regression task and prints its loss curve.
//
// Data: 512 noisy samples of f(x) = sin(3x) exp(-x^2 / 2) + 0.3 x on [-3, 3] (noise std 0.05);
// model: MLP 1 -> 64 -> 64 -> 1 with SiLU; AdamW with warm-up and cosine decay, mini-batches
// of 64, 300 epochs (well under a second). Writes the per-epoch loss curve to
// mlp_regression_loss.csv and the trained model to mlp_regression.npz (a checkpoint numpy can
// open), then reloads the checkpoint and checks that it predicts the same numbers.
//
//   mlp_regression [output folder]       (default: the current folder)
//
// Exit status (examples/common/run_main.hpp): 0 when the test MSE is below 1e-2 and the reloaded
// model predicts the same, 1 otherwise or on a failed run, 2 when a file cannot be written.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/common/run_main.hpp"
#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"
#include "nn/trainer.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

double target_function(double x) { return std::sin(3 * x) * std::exp(-x * x / 2) + 0.3 * x; }

// Mean squared error of the model against the noise-free function on a fine grid.
double grid_mse(MLP<float>& net, Tape<float>& tape, const Tensor<float>& x, const Tensor<float>& y) {
  tape.reset();
  NoGradGuard<float> no_grad(tape);
  return mse_loss(net(tape, tape.constant(x)), tape.constant(y)).item();
}

int run(int argc, char** argv) {
  const std::string out = argc > 1 ? std::string(argv[1]) + "/" : "";
  // Training data (512, 1) with noise, and a clean test grid (1001, 1).
  const index_t n = 512, n_test = 1001;
  Tensor<float> x(Shape{n, 1}), y(Shape{n, 1}), x_test(Shape{n_test, 1}), y_test(Shape{n_test, 1});
  Philox data_rng(7);
  for (index_t i = 0; i < n; ++i) {
    const double xi = data_rng.uniform(-3, 3);
    x[i] = float(xi);
    y[i] = float(target_function(xi) + 0.05 * data_rng.normal());
  }
  for (index_t i = 0; i < n_test; ++i) {
    const double xi = -3 + 6 * double(i) / double(n_test - 1);
    x_test[i] = float(xi);
    y_test[i] = float(target_function(xi));
  }

  Philox init_rng(1);
  MLP<float> net({1, 64, 64, 1}, init_rng, {.activation = Activation::Silu});
  AdamW<float> opt(net.parameters(), {.lr = 5e-3, .weight_decay = 1e-4});
  const std::int64_t epochs = 300, batch = 64;
  const std::int64_t steps = epochs * (n / batch);
  Tape<float> eval_tape;
  std::printf("%s\n%lld parameters, %s\n\n", net.describe().c_str(), static_cast<long long>(net.parameter_numel()),
              opt.describe().c_str());
  // Train; the test error is recorded every 20 epochs and the curve printed afterwards (a
  // progress line shows meanwhile when stderr is a terminal).
  std::vector<double> test_curve(static_cast<std::size_t>(epochs), -1.0);
  const TrainResult result = fit(
      net, opt, x, y, [&](Tape<float>& tape, Var<float> xb, Var<float> yb) { return mse_loss(net(tape, xb), yb); },
      {.epochs = epochs,
       .batch_size = batch,
       .seed = 3,
       .schedule = warmup(cosine_schedule(5e-3, steps - 100, 1e-5), 100),
       .metrics_path = out + "mlp_regression_loss.csv",
       .on_epoch = [&](std::int64_t epoch, double) {
         if (epoch % 20 == 0 || epoch == epochs - 1)
           test_curve[static_cast<std::size_t>(epoch)] = grid_mse(net, eval_tape, x_test, y_test);
       }});

  std::printf("%6s %14s %14s\n", "epoch", "train loss", "test mse");
  for (std::size_t e = 0; e < test_curve.size(); ++e)
    if (test_curve[e] >= 0) std::printf("%6zu %14.6e %14.6e\n", e, result.epoch_loss[e], test_curve[e]);
  const double test_mse = grid_mse(net, eval_tape, x_test, y_test);
  std::printf("\n%lld steps in %.2f s; test MSE %.3e (noise variance 2.5e-03)\n", static_cast<long long>(result.steps),
              result.seconds, test_mse);

  // Save, reload into a differently initialised model, and compare predictions.
  const std::string checkpoint = out + "mlp_regression.npz";
  save_checkpoint(checkpoint, net, opt, {.description = "mlp_regression example: " + net.describe(), .step = result.steps});
  Philox other_rng(99);
  MLP<float> reloaded({1, 64, 64, 1}, other_rng, {.activation = Activation::Silu});
  load_checkpoint(checkpoint, reloaded);
  const double reloaded_mse = grid_mse(reloaded, eval_tape, x_test, y_test);
  std::printf("wrote %smlp_regression_loss.csv and %s; reloaded model test MSE %.3e\n", out.c_str(), checkpoint.c_str(),
              reloaded_mse);
  if (reloaded_mse != test_mse) {
    std::fprintf(stderr, "the reloaded model predicts differently\n");
    return 1;
  }
  return test_mse < 1e-2 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return examples::run_main("mlp_regression", [&] { return run(argc, argv); });
}
