// fit(): an optional training loop over in-memory data. Each epoch shuffles the samples (seeded,
// see MiniBatches), and for each mini-batch runs the model's loss on a reused tape, backward,
// optional global-norm clipping, the learning-rate schedule and the optimiser step. It shows a
// progress line on a terminal (ProgressLine) and streams metrics (io::MetricsLogger, CSV or JSON
// lines by extension) with the columns
//   epoch, step, loss, lr, seconds
// one row per epoch (loss = the epoch's sample-weighted mean batch loss), or one per `log_every`
// steps (loss = that step's batch loss); a resumed run (first_epoch > 0) appends to the file.
// After the first step nothing in the loop allocates, except the text of a metrics row.
//
//   TrainResult r = fit(net, opt, x, y,
//       [&](Tape<float>& tape, Var<float> xb, Var<float> yb) { return mse_loss(net(tape, xb), yb); },
//       {.epochs = 200, .batch_size = 64, .seed = 1, .metrics_path = "loss.csv"});
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "nn/batches.hpp"
#include "nn/clip.hpp"
#include "nn/optimizer.hpp"
#include "nn/progress.hpp"
#include "nn/schedule.hpp"

namespace dg::nn {

struct TrainOptions {
  std::int64_t epochs = 1;
  std::int64_t first_epoch = 0;  // to resume: epochs first_epoch .. epochs - 1 run
  index_t batch_size = 32;
  std::uint64_t seed = 0;        // of the shuffling
  BatchOptions batches = {};
  double clip_norm = 0;          // > 0: clip the global gradient norm to it
  Schedule schedule = {};        // empty: keep the optimiser's learning rate
  bool quiet = false;            // no progress line even on a terminal
  std::string metrics_path = {}; // "" for none; .jsonl / .ndjson for JSON lines, else CSV
  std::int64_t log_every = 0;    // > 0: a metrics row every that many steps instead of per epoch
  std::function<void(std::int64_t epoch, double loss)> on_epoch = {};  // after each epoch
};

struct TrainResult {
  std::vector<double> epoch_loss;  // sample-weighted mean batch loss of each epoch run
  std::int64_t steps = 0;          // optimiser steps taken by this call
  double seconds = 0;
};

// loss_fn(Tape<T>&, Var<T> inputs, Var<T> targets) -> Var<T> (one element) for a batch.
template <class T, class LossFn>
TrainResult fit(Module<T>& model, Optimizer<T>& optimizer, const Tensor<T>& inputs, const Tensor<T>& targets,
                LossFn&& loss_fn, const TrainOptions& options) {
  if (options.epochs < options.first_epoch || options.first_epoch < 0)
    throw std::invalid_argument("fit: epochs " + std::to_string(options.epochs) + " must be >= first_epoch " +
                                std::to_string(options.first_epoch) + " >= 0");
  MiniBatches<T> data(inputs, targets, options.batch_size, options.seed, options.batches);
  std::unique_ptr<io::MetricsLogger> log;
  if (!options.metrics_path.empty())
    log = std::make_unique<io::MetricsLogger>(options.metrics_path,
                                              std::vector<std::string>{"epoch", "step", "loss", "lr", "seconds"},
                                              io::LogFormat::Auto, options.first_epoch > 0);
  ProgressLine progress(options.quiet);
  Tape<T> tape;
  TrainResult result;
  result.epoch_loss.reserve(static_cast<std::size_t>(options.epochs - options.first_epoch));
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const std::int64_t total_steps = (options.epochs - options.first_epoch) * data.batch_count();
  model.train();

  for (std::int64_t epoch = options.first_epoch; epoch < options.epochs; ++epoch) {
    data.start_epoch(epoch);
    double weighted_loss = 0;
    for (index_t b = 0; b < data.batch_count(); ++b) {
      // One step: loss on a reused tape, backward, clip, schedule, update.
      auto batch = data.batch(b);
      tape.reset();
      Var<T> loss = loss_fn(tape, tape.constant(batch.inputs), tape.constant(batch.targets));
      optimizer.zero_grad();
      tape.backward(loss);
      const double loss_value = static_cast<double>(loss.item());
      if (!std::isfinite(loss_value))
        throw std::runtime_error("fit: the loss is " + std::to_string(loss_value) + " at epoch " +
                                 std::to_string(epoch) + ", batch " + std::to_string(b));
      if (options.clip_norm > 0) clip_grad_norm(optimizer.parameters(), options.clip_norm);
      if (options.schedule) optimizer.set_lr(options.schedule(optimizer.step_count()));
      optimizer.step();
      ++result.steps;
      weighted_loss += loss_value * static_cast<double>(batch.size);
      progress.update(epoch + 1, options.epochs, result.steps, total_steps, loss_value);
      if (log && options.log_every > 0 && result.steps % options.log_every == 0)
        log->log({double(epoch), double(optimizer.step_count()), loss_value, optimizer.lr(), seconds()});
    }
    // The epoch's record.
    const double epoch_loss =
        weighted_loss / static_cast<double>(options.batches.drop_last ? data.batch_count() * data.batch_size()
                                                                      : data.sample_count());
    result.epoch_loss.push_back(epoch_loss);
    if (log && options.log_every <= 0)
      log->log({double(epoch), double(optimizer.step_count()), epoch_loss, optimizer.lr(), seconds()});
    if (options.on_epoch) options.on_epoch(epoch, epoch_loss);
  }
  progress.finish();
  result.seconds = seconds();
  return result;
}

}  // namespace dg::nn
