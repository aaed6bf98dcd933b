// The bookkeeping of StepTrainer (step_trainer.hpp) that does not depend on the scalar type:
// counters, the final-loss window, metrics rows and their cut-back on a resume, the settings check.
#include "nn/step_trainer.hpp"

#include <algorithm>
#include <cstdlib>

#include "io/error.hpp"
#include "io/file.hpp"

namespace dg::nn {

namespace {

std::string joined(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ",") + c;
  return out;
}

// The value of column `key` in a JSON-lines row {"step": 10, "loss": 0.5}; NaN if absent or null.
double json_value(const std::string& line, const std::string& key) {
  const std::size_t at = line.find("\"" + key + "\":");
  if (at == std::string::npos) return std::nan("");
  const char* p = line.c_str() + at + key.size() + 3;
  while (*p == ' ') ++p;
  char* end = nullptr;
  const double v = std::strtod(p, &end);
  return end == p ? std::nan("") : v;
}

// The values of a CSV row (numbers, "nan", "inf"); NaN for a field that is not a number.
std::vector<double> csv_values(const std::string& line) {
  std::vector<double> out;
  std::size_t at = 0;
  while (at <= line.size()) {
    const std::size_t end = std::min(line.find(',', at), line.size());
    const std::string field = line.substr(at, end - at);
    char* stop = nullptr;
    const double v = std::strtod(field.c_str(), &stop);
    out.push_back(stop == field.c_str() ? std::nan("") : v);
    at = end + 1;
  }
  return out;
}

// What differs between the saved settings and this run's: "lr 0.003 in the checkpoint, 0.001 now".
std::vector<std::string> setting_differences(const Settings& saved, const Settings& now) {
  std::vector<std::string> out;
  for (const auto& setting : now) {
    // (not a structured binding: clang 14, which builds the fuzz targets, cannot capture one)
    const std::string& name = setting.first;
    const std::string& value = setting.second;
    const auto it = std::find_if(saved.begin(), saved.end(), [&](const auto& s) { return s.first == name; });
    if (it == saved.end()) out.push_back(name + " not recorded in the checkpoint (now " + value + ")");
    else if (it->second != value) out.push_back(name + " " + it->second + " in the checkpoint, " + value + " now");
  }
  return out;
}

}  // namespace

std::vector<double> truncate_metrics(const std::string& path, const std::vector<std::string>& columns,
                                     std::int64_t step, bool write) {
  const auto step_column = std::find(columns.begin(), columns.end(), "step");
  if (step_column == columns.end())
    throw std::invalid_argument(path + ": the metrics columns (" + joined(columns) + ") have no 'step' to resume by");
  if (!std::filesystem::exists(path)) return {};
  const std::string text = io::read_text_file(path);
  const bool json = path.ends_with(".jsonl") || path.ends_with(".ndjson");
  std::string kept;
  std::vector<double> rows;
  std::size_t at = 0;
  bool header = !json;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (header) {
      if (line != joined(columns))
        throw io::IoError(path + ": cannot resume: the file's header '" + io::printable(line) + "' differs from '" +
                          joined(columns) + "'");
      kept += line + "\n";
      header = false;
      continue;
    }
    if (line.empty() || end == text.size()) continue;  // a row cut off by the interruption
    std::vector<double> values;
    if (json)
      for (const std::string& c : columns) values.push_back(json_value(line, c));
    else
      values = csv_values(line);
    const double row_step = values.size() == columns.size() ? values[std::size_t(step_column - columns.begin())] : std::nan("");
    if (!(row_step <= double(step))) continue;
    kept += line + "\n";
    rows.insert(rows.end(), values.begin(), values.end());
  }
  if (write) io::write_file_atomic(path, kept);
  return rows;
}

TrainerRecord::TrainerRecord(const StepTrainerOptions& options) : o_(options) {
  if (o_.steps < 0 || o_.first_step < 0)
    throw std::invalid_argument(o_.name + ": steps " + std::to_string(o_.steps) + " and first_step " +
                                std::to_string(o_.first_step) + " must be >= 0");
  if (o_.log_every > 0 && o_.metrics_columns != std::vector<std::string>{"step", "loss", "lr", "seconds"})
    throw std::invalid_argument(o_.name + ": log_every writes the default columns step, loss, lr, seconds, not " +
                                joined(o_.metrics_columns));
}

void TrainerRecord::check_resume(const CheckpointInfo& saved) const {
  const std::string& path = o_.checkpoint_path;
  if (saved.step > o_.steps)
    throw CheckpointError(path + ": saved at step " + std::to_string(saved.step) + ", beyond the run's " +
                          std::to_string(o_.steps) + " steps");
  if (o_.allow_changed_settings || o_.settings.empty()) return;
  std::vector<std::string> diff = setting_differences(saved.settings, o_.settings);
  if (!saved.has_settings) diff = {"the checkpoint records no settings (an older file)"};
  if (diff.empty()) return;
  std::string msg = path + ": cannot resume, the checkpoint was made with other settings:";
  for (const std::string& d : diff) msg += "\n  " + d;
  throw CheckpointError(msg + "\n(run with the same settings, or " + o_.override_hint + " to resume anyway)");
}

void TrainerRecord::start(std::int64_t first_step, bool resumed, const CheckpointInfo* loaded) {
  if (loaded) {
    for (const auto& [name, value] : loaded->values) {
      if (name == "final_loss_sum") loss_sum_ = value;
      if (name == "final_loss_count") loss_count_ = static_cast<std::int64_t>(value);
    }
  }
  step_ = first_ = first_step;
  resumed_ = resumed;
  if (!o_.metrics_path.empty()) {
    const bool keep = first_step > 0;
    if (keep) rows_ = truncate_metrics(o_.metrics_path, o_.metrics_columns, first_step, writes());
    if (writes())
      log_ = std::make_unique<io::MetricsLogger>(o_.metrics_path, o_.metrics_columns, io::LogFormat::Auto, keep);
  }
  start_ = std::chrono::steady_clock::now();
}

bool TrainerRecord::running() {
  if (step_ >= o_.steps) return false;
  if (o_.stop_after >= 0 && step_ - first_ >= o_.stop_after) {
    stopped_ = true;
    return false;
  }
  return true;
}

double TrainerRecord::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

bool TrainerRecord::after_step(double loss, double lr) {
  ++step_;
  if (step_ > o_.steps - o_.final_loss_steps) loss_sum_ += loss, ++loss_count_;
  if (o_.log_every > 0 && (step_ % o_.log_every == 0 || step_ == o_.steps))
    log_row(std::initializer_list<double>{double(step_), loss, lr, seconds()});
  if (o_.progress && writes()) o_.progress->update(o_.phase, o_.phases, step_, o_.steps, loss);
  return o_.checkpoint_every > 0 && step_ % o_.checkpoint_every == 0;
}

void TrainerRecord::log_row(std::span<const double> values) {
  if (o_.metrics_path.empty()) return;
  if (log_) log_->log(values);
  rows_.insert(rows_.end(), values.begin(), values.end());
}

CheckpointInfo TrainerRecord::checkpoint_info() const {
  CheckpointInfo info{.description = o_.description, .step = step_, .settings = o_.settings};
  info.values = {{"final_loss_sum", loss_sum_}, {"final_loss_count", double(loss_count_)}};
  return info;
}

void TrainerRecord::finish_progress() const {
  if (o_.progress && writes()) o_.progress->finish();
}

TrainSummary TrainerRecord::summary() const {
  TrainSummary s;
  s.first_step = first_;
  s.last_step = step_;
  s.resumed = resumed_;
  s.stopped = stopped_;
  s.seconds = seconds();
  s.ms_per_step = step_ > first_ ? 1e3 * s.seconds / double(step_ - first_) : 0;
  if (loss_count_ > 0) s.final_loss = loss_sum_ / double(loss_count_);
  return s;
}

}  // namespace dg::nn
