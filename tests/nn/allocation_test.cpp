// The nn training loop allocates nothing in steady state: global operator new calls and the
// arena's device allocations are counted over steps 2 to 10 of a loop with an MLP, mini-batches,
// MSE, global-norm clipping, a warm-up cosine schedule and Adam; and between epochs 2 and 6 of
// fit(), and StepTrainer steps 2 to 10 with a progress line and a final-loss window. This executable replaces the global operator new, so it is its own test program.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include "autodiff/storage.hpp"
#include "nn/adam.hpp"
#include "nn/batches.hpp"
#include "nn/clip.hpp"
#include "nn/loss.hpp"
#include "nn/mlp.hpp"
#include "nn/sgd.hpp"
#include "nn/schedule.hpp"
#include "nn/step_trainer.hpp"
#include "nn/trainer.hpp"

#include "tests/common/count_new.hpp"

using namespace dg;
using namespace dg::nn;

TEST_CASE("steps 2 to 10 of an MLP training loop with Adam allocate nothing") {
  const index_t N = 200, B = 64;  // 4 batches per epoch, the last one smaller (8 rows)
  Tensor<float> x(Shape{N, 1}), y(Shape{N, 1});
  for (index_t i = 0; i < N; ++i) x[i] = -3.0f + 6.0f * float(i) / float(N), y[i] = std::sin(x[i]);
  Philox rng(1);
  MLP<float> net({1, 64, 64, 1}, rng, {.activation = Activation::Silu});
  const auto params = net.parameters();
  Adam<float> opt(params, {.lr = 1e-3, .weight_decay = 1e-4});
  const Schedule schedule = warmup(cosine_schedule(1e-3, 100), 5);
  MiniBatches<float> data(x, y, B, 7);
  Tape<float> tape;

  long news_before = 0;
  std::size_t device_before = 0;
  float first_loss = 0, loss_value = 0;
  // Step 1 runs both batch sizes (full and tail) so that every shape has been seen once.
  for (int step = 1; step <= 10; ++step) {
    if (step == 2) news_before = dg::test::new_calls(), device_before = device_allocation_count();
    data.start_epoch(step);
    for (index_t b = 0; b < data.batch_count(); ++b) {
      auto batch = data.batch(b);
      tape.reset();
      Var<float> loss = mse_loss(net(tape, tape.constant(batch.inputs)), tape.constant(batch.targets));
      opt.zero_grad();
      tape.backward(loss);
      clip_grad_norm(params, 1.0);
      opt.set_lr(schedule(opt.step_count()));
      opt.step();
      loss_value = loss.item();
      if (step == 1 && b == 0) first_loss = loss_value;
    }
  }
  const long news = dg::test::new_calls() - news_before;
  const std::size_t device = device_allocation_count() - device_before;
  CHECK(news == 0);
  CHECK(device == 0);
  CHECK(std::isfinite(loss_value));
  CHECK(first_loss > 0);
}

TEST_CASE("fit() allocates nothing between its second and last epoch") {
  const index_t N = 96;
  Tensor<float> x(Shape{N, 2}), y(Shape{N, 1});
  for (index_t i = 0; i < N; ++i) x(i, 0) = float(i) / float(N), x(i, 1) = 1.0f - x(i, 0), y[i] = x(i, 0) * x(i, 1);
  Philox rng(2);
  MLP<float> net({2, 32, 1}, rng, {.activation = Activation::Tanh});
  SGD<float> opt(net.parameters(), {.lr = 1e-2, .momentum = 0.9});
  // Counters at the end of each epoch (the callback itself allocates nothing).
  long news[6] = {};
  std::size_t device[6] = {};
  fit(net, opt, x, y, [&](Tape<float>& t, Var<float> xb, Var<float> yb) { return mse_loss(net(t, xb), yb); },
      {.epochs = 6, .batch_size = 40, .seed = 1, .clip_norm = 5.0, .schedule = exponential_schedule(1e-2, 0.999),
       .quiet = true, .on_epoch = [&](std::int64_t e, double) {
         news[e] = dg::test::new_calls();
         device[e] = device_allocation_count();
       }});
  CHECK(news[5] - news[1] == 0);
  CHECK(device[5] - device[1] == 0);
}

TEST_CASE("StepTrainer steps 2 to 10 allocate nothing") {
  const index_t N = 64;
  Tensor<float> x(Shape{N, 1}), y(Shape{N, 1});
  for (index_t i = 0; i < N; ++i) x[i] = float(i) / float(N), y[i] = std::cos(3.0f * x[i]);
  Philox rng(5);
  MLP<float> net({1, 32, 32, 1}, rng, {.activation = Activation::Silu});
  Adam<float> opt(net.parameters(), {.lr = 1e-3});
  ProgressLine progress(true);
  StepTrainer<float> trainer(net, opt,
                             {.steps = 10, .clip_norm = 1.0, .schedule = warmup(cosine_schedule(1e-3, 10), 2),
                              .progress = &progress, .final_loss_steps = 5});
  long news_before = 0;
  std::size_t device_before = 0;
  while (trainer.running()) {
    if (trainer.step() == 1) news_before = dg::test::new_calls(), device_before = device_allocation_count();
    trainer.train_step([&](Tape<float>& t) { return mse_loss(net(t, t.constant(x)), t.constant(y)); });
  }
  const long news = dg::test::new_calls() - news_before;
  const std::size_t device = device_allocation_count() - device_before;
  CHECK(trainer.step() == 10);
  CHECK(news == 0);
  CHECK(device == 0);
  CHECK(std::isfinite(trainer.finish().final_loss));
}
