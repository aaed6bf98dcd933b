// ProgressLine: terminal detection, throttling and the fixed-buffer formatting.
#include "nn/progress.hpp"

#include <cmath>
#include <unistd.h>

namespace dg::nn {

ProgressLine::ProgressLine(bool quiet, std::FILE* stream)
    : stream_(stream), enabled_(!quiet && stream && isatty(fileno(stream))) {}

void ProgressLine::format_duration(double seconds, char* out, std::size_t size) {
  if (!std::isfinite(seconds) || seconds < 0) {
    std::snprintf(out, size, "?");
    return;
  }
  const long s = std::lround(seconds);
  if (s >= 3600) std::snprintf(out, size, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60) std::snprintf(out, size, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(out, size, "%lds", s);
}

void ProgressLine::update(std::int64_t epoch, std::int64_t epochs, std::int64_t step, std::int64_t total_steps,
                          double loss) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (!started_) {
    started_ = true;
    first_step_ = step;
    start_ = now;
  }
  // At most ten lines a second, and always the last step.
  if (printed_ && now - last_print_ < std::chrono::milliseconds(100) && step < total_steps) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(step - first_step_) / elapsed : 0.0;
  char eta[32];
  format_duration(rate > 0 ? static_cast<double>(total_steps - step) / rate : -1.0, eta, sizeof eta);
  char line[192];
  std::snprintf(line, sizeof line, "\repoch %lld/%lld  step %lld/%lld  loss %.4e  %.1f steps/s  eta %s\033[K",
                static_cast<long long>(epoch), static_cast<long long>(epochs), static_cast<long long>(step),
                static_cast<long long>(total_steps), loss, rate, eta);
  std::fputs(line, stream_);
  std::fflush(stream_);
  printed_ = true;
}

void ProgressLine::finish() {
  if (printed_) std::fputc('\n', stream_);
  printed_ = false;
  started_ = false;
}

}  // namespace dg::nn
