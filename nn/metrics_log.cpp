// MetricsLog: opening, the CSV header, and number formatting for both formats.
#include "nn/metrics_log.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace dg::nn {

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

MetricsLog::Format format_of(const std::string& path) {
  if (ends_with(path, ".csv")) return MetricsLog::Format::Csv;
  if (ends_with(path, ".jsonl") || ends_with(path, ".json")) return MetricsLog::Format::JsonLines;
  throw std::invalid_argument("MetricsLog " + path + ": unknown extension (use .csv, .jsonl or .json)");
}

}  // namespace

MetricsLog::MetricsLog(const std::string& path, std::vector<std::string> columns)
    : MetricsLog(path, std::move(columns), format_of(path)) {}

MetricsLog::MetricsLog(const std::string& path, std::vector<std::string> columns, Format format)
    : path_(path), columns_(std::move(columns)), format_(format) {
  if (columns_.empty()) throw std::invalid_argument("MetricsLog " + path + ": no columns");
  // Column names go into the file verbatim: keep them plain identifiers.
  for (const std::string& c : columns_) {
    if (c.empty()) throw std::invalid_argument("MetricsLog " + path + ": empty column name");
    for (char ch : c)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.'))
        throw std::invalid_argument("MetricsLog " + path + ": column name '" + c +
                                    "' may hold only letters, digits, '_', '-' and '.'");
  }
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw std::runtime_error("MetricsLog " + path + ": cannot open for writing: " + std::strerror(errno));
  if (format_ == Format::Csv) {
    for (std::size_t i = 0; i < columns_.size(); ++i) std::fprintf(file_, "%s%s", i ? "," : "", columns_[i].c_str());
    std::fputc('\n', file_);
    std::fflush(file_);
  }
}

MetricsLog::~MetricsLog() {
  if (file_) std::fclose(file_);
}

void MetricsLog::put_number(double v) {
  if (std::isfinite(v)) std::fprintf(file_, "%.17g", v);
  else if (format_ == Format::JsonLines) std::fputs("null", file_);
  else std::fputs(std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"), file_);
}

void MetricsLog::write(std::span<const double> values) {
  if (values.size() != columns_.size())
    throw std::invalid_argument("MetricsLog " + path_ + ": " + std::to_string(values.size()) + " values for " +
                                std::to_string(columns_.size()) + " columns");
  if (format_ == Format::JsonLines) std::fputc('{', file_);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) std::fputc(',', file_);
    if (format_ == Format::JsonLines) std::fprintf(file_, "\"%s\":", columns_[i].c_str());
    put_number(values[i]);
  }
  std::fputs(format_ == Format::JsonLines ? "}\n" : "\n", file_);
  if (std::fflush(file_) != 0 || std::ferror(file_))
    throw std::runtime_error("MetricsLog " + path_ + ": write failed: " + std::strerror(errno));
}

}  // namespace dg::nn
