// MetricsLog: training metrics streamed to a file as CSV (a header row, then one row per record)
// or JSON lines (one object per record), chosen by the file extension (.csv, or .jsonl / .json)
// or explicitly. Rows are written and flushed as they come, so a crashed run keeps its curve;
// numbers are printed with 17 significant digits (they read back to the same double). JSON has no
// NaN or infinity: those are written as null there, and as nan / inf / -inf in CSV.
// Writing a row formats into the stream's buffer: no allocation per row.
#pragma once

#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace dg::nn {

class MetricsLog {
 public:
  enum class Format { Csv, JsonLines };

  // Opens (truncates) `path`; the format from its extension. Throws std::runtime_error naming the
  // file when it cannot be opened, std::invalid_argument for an unknown extension or bad columns.
  MetricsLog(const std::string& path, std::vector<std::string> columns);
  MetricsLog(const std::string& path, std::vector<std::string> columns, Format format);
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;
  ~MetricsLog();

  // One record: a value per column, in column order.
  void write(std::span<const double> values);
  void write(std::initializer_list<double> values) { write(std::span<const double>(values.begin(), values.size())); }

  const std::vector<std::string>& columns() const { return columns_; }
  Format format() const { return format_; }

 private:
  void put_number(double v);

  std::string path_;
  std::vector<std::string> columns_;
  Format format_;
  std::FILE* file_ = nullptr;
};

}  // namespace dg::nn
