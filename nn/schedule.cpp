// Learning-rate schedules as closures over their settings (checked once, here).
#include "nn/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

#include "nn/optimizer.hpp"

namespace dg::nn {

namespace {
constexpr double kHuge = 1e300;

void check_steps(const char* who, const char* what, std::int64_t n) {
  if (n <= 0) throw std::invalid_argument(std::string(who) + ": " + what + " must be positive, got " + std::to_string(n));
}
void check_step(const char* who, std::int64_t s) {
  if (s < 0) throw std::invalid_argument(std::string(who) + ": negative step " + std::to_string(s));
}
}  // namespace

Schedule constant_schedule(double lr0) {
  check_hyperparameter("constant_schedule", "lr0", lr0, 0, kHuge);
  return [lr0](std::int64_t s) {
    check_step("constant_schedule", s);
    return lr0;
  };
}

Schedule step_schedule(double lr0, std::int64_t step_size, double gamma) {
  check_hyperparameter("step_schedule", "lr0", lr0, 0, kHuge);
  check_hyperparameter("step_schedule", "gamma", gamma, 0, kHuge);
  check_steps("step_schedule", "step_size", step_size);
  return [=](std::int64_t s) {
    check_step("step_schedule", s);
    return lr0 * std::pow(gamma, static_cast<double>(s / step_size));
  };
}

Schedule exponential_schedule(double lr0, double gamma) {
  check_hyperparameter("exponential_schedule", "lr0", lr0, 0, kHuge);
  check_hyperparameter("exponential_schedule", "gamma", gamma, 0, kHuge);
  return [=](std::int64_t s) {
    check_step("exponential_schedule", s);
    return lr0 * std::pow(gamma, static_cast<double>(s));
  };
}

Schedule cosine_schedule(double lr0, std::int64_t total_steps, double lr_min) {
  check_hyperparameter("cosine_schedule", "lr0", lr0, 0, kHuge);
  check_hyperparameter("cosine_schedule", "lr_min", lr_min, 0, lr0);
  check_steps("cosine_schedule", "total_steps", total_steps);
  return [=](std::int64_t s) {
    check_step("cosine_schedule", s);
    const double progress = static_cast<double>(std::min(s, total_steps)) / static_cast<double>(total_steps);
    return lr_min + (lr0 - lr_min) * 0.5 * (1 + std::cos(std::numbers::pi * progress));
  };
}

Schedule warmup(Schedule inner, std::int64_t warmup_steps, double start_factor) {
  if (!inner) throw std::invalid_argument("warmup: empty inner schedule");
  check_steps("warmup", "warmup_steps", warmup_steps);
  check_hyperparameter("warmup", "start_factor", start_factor, 0, 1);
  return [inner = std::move(inner), warmup_steps, start_factor](std::int64_t s) {
    check_step("warmup", s);
    if (s >= warmup_steps) return inner(s - warmup_steps);
    const double f = start_factor + (1 - start_factor) * static_cast<double>(s) / static_cast<double>(warmup_steps);
    return inner(0) * f;
  };
}

}  // namespace dg::nn
