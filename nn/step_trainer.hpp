// StepTrainer: the optimiser step every training loop repeats, written once. The caller owns the
// loop and the data; per step it hands over a callback that builds the loss on the trainer's tape,
// and the trainer runs, in this order:
//   tape reset, loss_fn(tape), zero_grad, backward, finite-loss check (NonFiniteLoss naming the
//   step), optional global-norm clipping (or only measuring the norm), lr = schedule(step count),
//   optimiser step; then the bookkeeping: the final-loss window, a metrics row every `log_every`
//   steps, the progress line, a checkpoint every `checkpoint_every` steps.
// Steps are numbered from 0; step() is the number of steps completed, the index of the next one.
//
//   nn::StepTrainer<float> trainer(model, adam, {.name = "field", .steps = 6000, .clip_norm = 10,
//       .schedule = schedule, .progress = &progress, .metrics_path = "training.csv", .log_every = 10,
//       .checkpoint_path = "checkpoint.npz", .checkpoint_every = 500, .resume = resume,
//       .settings = {{"lr", "0.003"}, {"seed", "1"}}});
//   while (trainer.running()) {
//     const Batch& b = loader.batch(trainer.step() % loader.batch_count());   // the caller's data
//     trainer.train_step([&](Tape<float>& tape) { return mse_loss(model(tape, ...), tape.constant(b.y)); });
//   }
//   const nn::TrainSummary s = trainer.finish();   // final checkpoint; s.final_loss, s.seconds, ...
//
// Resume: with `resume` and an existing checkpoint, the constructor loads parameters, optimiser
// state and step count, refuses (CheckpointError naming each setting) a checkpoint whose saved
// `settings` differ from this run's unless `allow_changed_settings`, restores the final-loss sum,
// and cuts the metrics file back to the rows whose "step" is at most the checkpoint's step (the
// rows an interrupted run wrote after its last checkpoint would otherwise repeat). A run that does
// not resume starts the metrics file afresh, unless it starts at first_step > 0 (fit() continuing
// an epoch count), which keeps the rows up to first_step in the same way.
//
// Data parallelism (distributed/, docs/distributed.md): with `shards` = S >= 1 and a callback
// loss_fn(Tape<T>&, std::int64_t shard) that returns shard `shard`'s part of the batch loss (the
// parts add up to the loss: e.g. a shard's mean times its share of the rows), each shard runs on
// its own tape on whichever thread, or MPI rank of `communicator`, owns it, and the gradients are
// summed in shard order: the bits depend on S, not on the number of threads or ranks. Every rank
// then takes the same optimiser step; parameters are broadcast from rank 0 at the start (after a
// resume, which every rank makes from the same checkpoint file), and only rank 0 writes the
// metrics file, the progress line and checkpoints. shards = 0 keeps the single tape (a callback
// of two arguments is then called with shard 0), whose ops use the row parallelism of large inputs.
//
// Nothing here allocates in the steady state except the text of a metrics row and a checkpoint
// save. With the parameters on a device (nn/device.hpp) the trainer's tape lives there too.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "distributed/sharded_gradient.hpp"
#include "io/csv.hpp"
#include "nn/checkpoint.hpp"
#include "nn/clip.hpp"
#include "nn/optimizer.hpp"
#include "nn/progress.hpp"
#include "nn/schedule.hpp"

namespace dg::nn {

// The loss of a step is NaN or infinite (nothing was updated).
struct NonFiniteLoss : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct StepTrainerOptions {
  std::string name = "training";        // starts error messages: "<name>: the loss is nan at step 12"
  std::int64_t steps = 1;               // the run ends when step() reaches this
  std::int64_t first_step = 0;          // where a run that does not resume from a checkpoint starts
  double clip_norm = 0;                 // > 0: clip the global gradient norm to it
  bool measure_grad_norm = false;       // without clipping: still compute StepStats::grad_norm
  Schedule schedule = {};               // lr = schedule(optimizer.step_count()) before each step
  ProgressLine* progress = nullptr;     // updated after each step: phase/phases, step/steps, loss
  std::int64_t phase = 1, phases = 1;   // the first pair of the progress line (set_phase)
  std::string metrics_path = {};        // "" none; .jsonl / .ndjson JSON lines, else CSV
  std::vector<std::string> metrics_columns = {"step", "loss", "lr", "seconds"};  // needs "step"
  std::int64_t log_every = 0;           // > 0: a row {step, loss, lr, seconds} (the default columns)
                                        // after every log_every-th step and after the last
  std::int64_t final_loss_steps = 100;  // final_loss: mean loss of the steps numbered >= steps - this
  std::string checkpoint_path = {};     // "" none
  std::int64_t checkpoint_every = 0;    // > 0: save after every that many steps (finish() always saves)
  std::string description = {};         // meta.description (empty: the model's describe_tree())
  bool resume = false;                  // continue from checkpoint_path when the file exists
  Settings settings = {};               // saved in the checkpoint; a resume must find the same
  bool allow_changed_settings = false;  // resume even when they differ
  std::string override_hint = "allow_changed_settings";  // named in the refusal (e.g. an option)
  std::int64_t stop_after = -1;         // >= 0: stop after this many steps of this process, as an
                                        // interruption would (finish() saves the checkpoint)
  std::int64_t shards = 0;              // >= 1: the batch cut into this many shards (see the top)
  distributed::Communicator* communicator = nullptr;  // the ranks sharing the shards; nullptr: this
                                                      // process alone
};

struct StepStats {
  double loss = 0;
  double grad_norm = std::numeric_limits<double>::quiet_NaN();  // before clipping; NaN: not measured
};

struct TrainSummary {
  std::int64_t first_step = 0;  // this process ran steps [first_step, last_step)
  std::int64_t last_step = 0;
  bool resumed = false;         // first_step came from a checkpoint
  bool stopped = false;         // stop_after ended the run before `steps`
  double seconds = 0;           // of this process
  double ms_per_step = 0;       // of this process (0 without steps)
  double final_loss = std::numeric_limits<double>::quiet_NaN();  // NaN: no step in the window
};

// The parts that do not depend on the model's scalar type (step_trainer.cpp).
class TrainerRecord {
 public:
  explicit TrainerRecord(const StepTrainerOptions& options);
  // Whether this process writes the metrics file and the progress line (rank 0 of the ranks).
  bool writes() const { return o_.communicator == nullptr || o_.communicator->rank() == 0; }
  // Throws CheckpointError when the checkpoint is beyond `steps` or its settings differ.
  void check_resume(const CheckpointInfo& saved) const;
  // After a checkpoint load (its saved values restore the final-loss sum) or at the start.
  void start(std::int64_t first_step, bool resumed, const CheckpointInfo* loaded);
  void set_phase(std::int64_t phase, std::int64_t phases) { o_.phase = phase, o_.phases = phases; }
  // The bookkeeping after the optimiser step that completed step `step - 1`.
  bool after_step(double loss, double lr);  // true: a checkpoint is due
  void log_row(std::span<const double> values);
  CheckpointInfo checkpoint_info() const;
  TrainSummary summary() const;
  void finish_progress() const;
  double seconds() const;

  const StepTrainerOptions& options() const { return o_; }
  std::int64_t step() const { return step_; }
  bool running();
  // Every metrics row of the run, row-major with metrics_columns().size() values: the rows kept
  // from the file on a resume, then those logged by this process.
  const std::vector<double>& rows() const { return rows_; }

 private:
  StepTrainerOptions o_;
  std::unique_ptr<io::MetricsLogger> log_;
  std::int64_t step_ = 0, first_ = 0;
  bool resumed_ = false, stopped_ = false;
  double loss_sum_ = 0;  // of the steps in the final-loss window, in step order
  std::int64_t loss_count_ = 0;
  std::vector<double> rows_;
  std::chrono::steady_clock::time_point start_;
};

template <class T>
class StepTrainer {
 public:
  // Loads the checkpoint when resuming (see the top of the file); throws CheckpointError for an
  // unreadable or mismatched checkpoint, or one saved beyond `steps`.
  StepTrainer(Module<T>& model, Optimizer<T>& optimizer, StepTrainerOptions options)
      : model_(model), optimizer_(optimizer), record_(options), tape_(device_of(optimizer)) {
    const StepTrainerOptions& o = record_.options();
    if (o.shards > 0 && tape_.device() != Device::CPU)
      throw std::invalid_argument(o.name + ": shards need the parameters on the CPU, they are on " +
                                  device_name(tape_.device()));
    if (o.resume && !o.checkpoint_path.empty() && std::filesystem::exists(o.checkpoint_path)) {
      record_.check_resume(read_checkpoint_info(o.checkpoint_path));  // before anything is loaded
      const CheckpointInfo info = load_checkpoint(o.checkpoint_path, model_, optimizer_);
      record_.start(info.step, true, &info);
    } else {
      record_.start(o.first_step, false, nullptr);
    }
    if (o.shards < 0) throw std::invalid_argument(o.name + ": shards " + std::to_string(o.shards) + " must be >= 0");
    distributed::Communicator& comm = o.communicator ? *o.communicator : local_;
    if (comm.size() > 1)  // the same start everywhere, whatever each rank initialised
      for (const NamedParameter<T>& p : optimizer_.parameters())
        comm.broadcast(p.param->value.data(), std::size_t(p.param->value.numel()) * sizeof(T), 0);
    if (o.shards > 0) {
      std::vector<Parameter<T>*> params;
      for (const NamedParameter<T>& p : optimizer_.parameters()) params.push_back(p.param);
      sharded_ = std::make_unique<distributed::ShardedGradient<T>>(std::move(params), o.shards, comm);
    } else if (comm.size() > 1) {
      throw std::invalid_argument(o.name + ": " + std::to_string(comm.size()) +
                                  " ranks need shards >= 1 (each rank computes its own shards)");
    }
  }

  // False once step() reaches `steps`, or stop_after steps of this process have run.
  bool running() { return record_.running(); }
  std::int64_t step() const { return record_.step(); }
  Tape<T>& tape() { return tape_; }

  // One optimiser step on the loss that loss_fn(Tape<T>&) -> Var<T> (one element) builds, or with
  // shards, on the sum of the parts that loss_fn(Tape<T>&, std::int64_t shard) builds.
  template <class LossFn>
  StepStats train_step(LossFn&& loss_fn) {
    StepStats stats;
    if constexpr (std::is_invocable_v<LossFn&, Tape<T>&, std::int64_t>) {
      stats.loss =
          sharded_ ? sharded_->run(loss_fn) : one_tape([&](Tape<T>& t) { return loss_fn(t, std::int64_t{0}); });
    } else {
      if (sharded_)
        throw std::invalid_argument(record_.options().name +
                                    ": shards need a loss callback taking (Tape&, shard index)");
      stats.loss = one_tape(loss_fn);
    }
    if (!std::isfinite(stats.loss))
      throw NonFiniteLoss(record_.options().name + ": the loss is " + std::to_string(stats.loss) + " at step " +
                          std::to_string(record_.step()) + " (nothing was updated)");
    const StepTrainerOptions& o = record_.options();
    if (o.clip_norm > 0) stats.grad_norm = clip_grad_norm(optimizer_.parameters(), o.clip_norm);
    else if (o.measure_grad_norm) stats.grad_norm = grad_norm(optimizer_.parameters());
    if (o.schedule) optimizer_.set_lr(o.schedule(optimizer_.step_count()));
    optimizer_.step();
    if (record_.after_step(stats.loss, optimizer_.lr())) save();
    return stats;
  }

  // A metrics row of your own (custom metrics_columns; e.g. one per epoch).
  void log_row(std::span<const double> values) { record_.log_row(values); }
  void log_row(std::initializer_list<double> values) { log_row(std::span<const double>(values.begin(), values.size())); }
  void set_phase(std::int64_t phase, std::int64_t phases) { record_.set_phase(phase, phases); }
  double seconds() const { return record_.seconds(); }
  const std::vector<double>& rows() const { return record_.rows(); }

  // Ends the progress line, saves the checkpoint at step(), and returns the summary.
  TrainSummary finish() {
    record_.finish_progress();
    save();
    return record_.summary();
  }

 private:
  // The loss and gradient of the whole batch on one tape.
  template <class LossFn>
  double one_tape(LossFn&& loss_fn) {
    tape_.reset();
    const Var<T> loss = loss_fn(tape_);
    optimizer_.zero_grad();
    tape_.backward(loss);
    return static_cast<double>(loss.item());
  }

  // The device of the optimiser's parameters (nn/device.hpp), where the trainer's tape lives.
  static Device device_of(const Optimizer<T>& opt) {
    return opt.parameters().empty() ? Device::CPU : opt.parameters().front().param->value.device();
  }

  void save() {
    if (!record_.options().checkpoint_path.empty() && record_.writes())
      save_checkpoint(record_.options().checkpoint_path, model_, optimizer_, record_.checkpoint_info());
  }

  Module<T>& model_;
  Optimizer<T>& optimizer_;
  TrainerRecord record_;
  Tape<T> tape_;
  distributed::LocalCommunicator local_;
  std::unique_ptr<distributed::ShardedGradient<T>> sharded_;  // with shards >= 1
};

// Cuts the metrics file at `path` back to its header and the rows whose "step" column is at most
// `step` (atomically), and returns those rows' values; a missing file gives none. IoError for a
// file whose header differs from `columns`. With write = false the file is only read.
std::vector<double> truncate_metrics(const std::string& path, const std::vector<std::string>& columns,
                                     std::int64_t step, bool write = true);

}  // namespace dg::nn
