// MetricsLogger (see csv.hpp): an O_APPEND file descriptor and one write() per row.
#include "io/csv.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "io/error.hpp"
#include "io/file.hpp"
#include "io/json.hpp"

namespace dg::io {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A CSV field: quoted (with doubled quotes) only when it holds a comma, quote or line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string number_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

}  // namespace

MetricsLogger::MetricsLogger(std::string path, std::vector<std::string> columns, LogFormat format, bool append)
    : path_(std::move(path)), columns_(std::move(columns)), format_(format) {
  if (columns_.empty()) throw IoError(path_ + ": a metrics log needs at least one column");
  if (format_ == LogFormat::Auto)
    format_ = ends_with(path_, ".jsonl") || ends_with(path_, ".ndjson") ? LogFormat::JsonLines : LogFormat::Csv;
  std::string header;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (i) header += ',';
    header += csv_field(columns_[i]);
  }

  // When appending to a non-empty file: check the CSV header, and end a cut-off last line.
  std::string existing;
  if (append && ::access(path_.c_str(), F_OK) == 0) existing = read_text_file(path_);
  if (!existing.empty() && format_ == LogFormat::Csv) {
    const std::string first = existing.substr(0, existing.find('\n'));
    if (first != header)
      throw IoError(path_ + ": cannot append: the file's header '" + printable(first) + "' differs from '" + header + "'");
  }

  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (append ? 0 : O_TRUNC), 0666);
  if (fd_ < 0) throw IoError(path_ + ": cannot open for writing: " + std::strerror(errno));
  if (!existing.empty() && existing.back() != '\n') write_line("");
  if (existing.empty() && format_ == LogFormat::Csv) write_line(header);
}

MetricsLogger::~MetricsLogger() {
  if (fd_ >= 0) ::close(fd_);
}

MetricsLogger::MetricsLogger(MetricsLogger&& o) noexcept
    : path_(std::move(o.path_)), columns_(std::move(o.columns_)), format_(o.format_), fd_(o.fd_) {
  o.fd_ = -1;
}

MetricsLogger& MetricsLogger::operator=(MetricsLogger&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_), columns_ = std::move(o.columns_), format_ = o.format_, fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

void MetricsLogger::log(std::span<const double> values) {
  if (fd_ < 0) throw IoError(path_ + ": the metrics log was moved from");
  if (values.size() != columns_.size())
    throw IoError(path_ + ": " + std::to_string(values.size()) + " values logged for " +
                  std::to_string(columns_.size()) + " columns");
  std::string line;
  if (format_ == LogFormat::Csv) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) line += ',';
      line += number_text(values[i]);
    }
  } else {
    Json row = Json::object();
    for (std::size_t i = 0; i < values.size(); ++i)
      row.set(columns_[i], std::isfinite(values[i]) ? Json(values[i]) : Json(nullptr));
    line = to_json(row, 0);
  }
  write_line(line);
}

void MetricsLogger::write_line(const std::string& line) {
  // One write() per line (looping only on a short write), so rows reach the OS whole.
  const std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t w = ::write(fd_, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw IoError(path_ + ": write failed: " + std::strerror(errno));
    done += static_cast<std::size_t>(w);
  }
}

}  // namespace dg::io
