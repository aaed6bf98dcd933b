// RunClock: the progress of a whole field-discovery run as plain log lines, for long runs (the
// --published preset) that go to a log file, where the self-overwriting nn::ProgressLine (a
// terminal only) shows nothing. Every `every_seconds` of training it prints to stdout
//   progress: field (1/3) step 3000/20000, 5m12s so far, eta 41m30s for the whole run
// The time left is this model's remaining steps at the rate measured since this process started
// training it, then each later model's steps at that rate scaled by its cost per step relative
// to this model (model_cost), plus each model's evaluation counted as evaluation_steps steps.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "examples/field_discovery/model.hpp"
#include "nn/progress.hpp"

namespace dg::field_discovery {

// The cost of a training step relative to the field model's at the default settings (measured:
// field 60.7, no_field 23.8, absolute 53.8 ms/step, BENCHMARKS.md; aether about a fifth of the
// field model: one network evaluation per frame instead of one per substep).
inline double model_cost(ModelKind kind) {
  switch (kind) {
    case ModelKind::Field: return 1.0;
    case ModelKind::NoField: return 0.39;
    case ModelKind::Absolute: return 0.89;
    case ModelKind::Aether: return 0.2;
    case ModelKind::FieldSources: return 1.0;  // per substep; the caller scales by its substeps
  }
  return 1.0;
}

class RunClock {
 public:
  using Clock = std::chrono::steady_clock;
  // run_start: when the run began (the time so far counts the data's preparation too).
  // steps and cost: per model, its training steps and the cost of one relative to model_cost.
  RunClock(std::vector<ModelKind> kinds, std::vector<std::int64_t> steps, std::vector<double> cost,
           double evaluation_steps, double every_seconds, Clock::time_point run_start)
      : kinds_(std::move(kinds)),
        steps_(std::move(steps)),
        cost_(std::move(cost)),
        evaluation_steps_(evaluation_steps),
        every_(every_seconds),
        run_start_(run_start) {}

  // Model m (0-based) starts (or resumes) training.
  void start_model(std::size_t m) { model_ = m, first_step_ = -1; }
  // After each training step; `step` counts the steps done (a resumed run starts above 0). The
  // rate is measured from the first step this process made.
  void step(std::int64_t step) {
    const Clock::time_point now = Clock::now();
    if (first_step_ < 0) {
      first_step_ = step, model_start_ = last_print_ = now;
      return;
    }
    if (seconds(last_print_, now) < every_ || step <= first_step_) return;
    last_print_ = now;
    const double rate = seconds(model_start_, now) / double(step - first_step_);  // s per step of this model
    double left = rate * (double(steps_[model_] - step) + evaluation_steps_);
    for (std::size_t k = model_ + 1; k < kinds_.size(); ++k)
      left += rate * cost(k) / cost(model_) * (double(steps_[k]) + evaluation_steps_);
    char so_far[32], eta[32];
    nn::ProgressLine::format_duration(seconds(run_start_, now), so_far, sizeof so_far);
    nn::ProgressLine::format_duration(left, eta, sizeof eta);
    std::printf("progress: %s (%zu/%zu) step %lld/%lld, %s so far, eta %s for the whole run\n",
                model_name(kinds_[model_]), model_ + 1, kinds_.size(), static_cast<long long>(step),
                static_cast<long long>(steps_[model_]), so_far, eta);
    std::fflush(stdout);
  }

 private:
  static double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  }
  double cost(std::size_t m) const { return model_cost(kinds_[m]) * cost_[m]; }
  std::vector<ModelKind> kinds_;
  std::vector<std::int64_t> steps_;
  std::vector<double> cost_;
  double evaluation_steps_, every_;
  Clock::time_point run_start_, model_start_, last_print_;
  std::size_t model_ = 0;
  std::int64_t first_step_ = -1;
};

}  // namespace dg::field_discovery
