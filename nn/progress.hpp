// ProgressLine: one self-overwriting status line on a terminal while training:
//   epoch 3/20  step 1200/8000  loss 1.234e-03  812.4 steps/s  eta 8s
// It prints only when the stream is a terminal (isatty) and `quiet` is off, at most ten times a
// second, and formats into a fixed buffer (no allocation per update).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace dg::nn {

class ProgressLine {
 public:
  explicit ProgressLine(bool quiet = false, std::FILE* stream = stderr);
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { finish(); }

  bool enabled() const { return enabled_; }
  // Steps count from the first update; steps/s and the time left are measured from it.
  void update(std::int64_t epoch, std::int64_t epochs, std::int64_t step, std::int64_t total_steps, double loss);
  // Ends the line (a newline) if anything was printed; later updates start a new line.
  void finish();

  // "1h02m", "3m05s", "42s": the time-left format, public for tests.
  static void format_duration(double seconds, char* out, std::size_t size);

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* stream_;
  bool enabled_;
  bool started_ = false, printed_ = false;
  std::int64_t first_step_ = 0;
  Clock::time_point start_, last_print_;
};

}  // namespace dg::nn
