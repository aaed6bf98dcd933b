// MetricsLogger: a training-metrics log, one row per call, as CSV or JSON lines.
//   MetricsLogger log("runs/a/metrics.csv", {"epoch", "step", "loss", "val_loss"});
//   log.log({1, 100, 0.52, 0.61});
// CSV: the header line once, then rows of numbers (shortest round-trip text; NaN and Inf as
// "nan", "inf", "-inf", which pandas and numpy read). JSON lines (".jsonl"/".ndjson", or chosen
// explicitly): one object per row, {"epoch": 1, "loss": 0.52}; NaN/Inf become null there.
// Each row reaches the operating system in one write() before log() returns, so a killed run
// keeps every row it logged. With append = true a resumed run continues an existing file: a CSV
// header must match the columns (IoError otherwise), and the header is not written again.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace dg::io {

enum class LogFormat { Auto, Csv, JsonLines };  // Auto: JSON lines for .jsonl/.ndjson, else CSV

class MetricsLogger {
 public:
  MetricsLogger(std::string path, std::vector<std::string> columns, LogFormat format = LogFormat::Auto,
                bool append = false);
  ~MetricsLogger();
  MetricsLogger(MetricsLogger&& other) noexcept;
  MetricsLogger& operator=(MetricsLogger&& other) noexcept;
  MetricsLogger(const MetricsLogger&) = delete;
  MetricsLogger& operator=(const MetricsLogger&) = delete;

  // One row, a value per column (IoError if the count differs).
  void log(std::span<const double> values);
  void log(std::initializer_list<double> values) { log(std::span<const double>(values.begin(), values.size())); }

  const std::string& path() const { return path_; }
  LogFormat format() const { return format_; }

 private:
  void write_line(const std::string& line);

  std::string path_;
  std::vector<std::string> columns_;
  LogFormat format_ = LogFormat::Csv;
  int fd_ = -1;
};

}  // namespace dg::io
