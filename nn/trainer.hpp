// fit(): an optional training loop over in-memory data. Each epoch shuffles the samples (seeded,
// see MiniBatches), and each mini-batch is one StepTrainer step (nn/step_trainer.hpp): the
// model's loss on a reused tape, backward, finite-loss check, optional global-norm clipping, the
// learning-rate schedule and the optimiser step. It shows a progress line on a terminal
// (ProgressLine) and streams metrics (io::MetricsLogger, CSV or JSON lines by extension) with the
// columns
//   epoch, step, loss, lr, seconds
// one row per epoch (loss = the epoch's sample-weighted mean batch loss), or one per `log_every`
// steps (loss = that step's batch loss); step = the optimiser's step count after the row's step.
// A resumed run (first_epoch > 0, optimiser restored) keeps the file's rows up to the optimiser's
// step count and appends. After the first step nothing in the loop allocates, except the text of
// a metrics row.
//
//   TrainResult r = fit(net, opt, x, y,
//       [&](Tape<float>& tape, Var<float> xb, Var<float> yb) { return mse_loss(net(tape, xb), yb); },
//       {.epochs = 200, .batch_size = 64, .seed = 1, .metrics_path = "loss.csv"});
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nn/batches.hpp"
#include "nn/step_trainer.hpp"

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

// loss_fn(Tape<T>&, Var<T> inputs, Var<T> targets) -> Var<T> (one element) for a batch. Throws
// NonFiniteLoss naming the step when a loss is NaN or infinite.
template <class T, class LossFn>
TrainResult fit(Module<T>& model, Optimizer<T>& optimizer, const Tensor<T>& inputs, const Tensor<T>& targets,
                LossFn&& loss_fn, const TrainOptions& options) {
  if (options.epochs < options.first_epoch || options.first_epoch < 0)
    throw std::invalid_argument("fit: epochs " + std::to_string(options.epochs) + " must be >= first_epoch " +
                                std::to_string(options.first_epoch) + " >= 0");
  MiniBatches<T> data(inputs, targets, options.batch_size, options.seed, options.batches);
  ProgressLine progress(options.quiet);
  const std::int64_t first_step = options.first_epoch > 0 ? optimizer.step_count() : 0;
  StepTrainer<T> trainer(model, optimizer,
                         {.name = "fit",
                          .steps = first_step + (options.epochs - options.first_epoch) * data.batch_count(),
                          .first_step = first_step,
                          .clip_norm = options.clip_norm,
                          .schedule = options.schedule,
                          .progress = &progress,
                          .phases = options.epochs,
                          .metrics_path = options.metrics_path,
                          .metrics_columns = {"epoch", "step", "loss", "lr", "seconds"}});
  TrainResult result;
  result.epoch_loss.reserve(static_cast<std::size_t>(options.epochs - options.first_epoch));
  model.train();

  for (std::int64_t epoch = options.first_epoch; epoch < options.epochs; ++epoch) {
    data.start_epoch(epoch);
    trainer.set_phase(epoch + 1, options.epochs);
    double weighted_loss = 0;
    for (index_t b = 0; b < data.batch_count(); ++b) {
      auto batch = data.batch(b);
      const StepStats s = trainer.train_step([&](Tape<T>& tape) {
        return loss_fn(tape, tape.constant(batch.inputs), tape.constant(batch.targets));
      });
      ++result.steps;
      weighted_loss += s.loss * static_cast<double>(batch.size);
      if (options.log_every > 0 && result.steps % options.log_every == 0)
        trainer.log_row({double(epoch), double(optimizer.step_count()), s.loss, optimizer.lr(), trainer.seconds()});
    }
    // The epoch's record.
    const double epoch_loss =
        weighted_loss / static_cast<double>(options.batches.drop_last ? data.batch_count() * data.batch_size()
                                                                      : data.sample_count());
    result.epoch_loss.push_back(epoch_loss);
    if (options.log_every <= 0)
      trainer.log_row({double(epoch), double(optimizer.step_count()), epoch_loss, optimizer.lr(), trainer.seconds()});
    if (options.on_epoch) options.on_epoch(epoch, epoch_loss);
  }
  result.seconds = trainer.finish().seconds;
  return result;
}

}  // namespace dg::nn
