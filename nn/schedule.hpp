// Learning-rate schedules: a Schedule maps the number of completed optimiser steps s (0 before
// the first step) to a learning rate, in closed form:
//   constant:     lr0
//   step:         lr0 gamma^floor(s / step_size)
//   exponential:  lr0 gamma^s
//   cosine:       lr_min + (lr0 - lr_min) (1 + cos(pi min(s, S) / S)) / 2      (Loshchilov & Hutter 2017, no restarts)
//   warmup(inner, W, f0): inner(0) (f0 + (1 - f0) s / W) for s < W, then inner(s - W)
// so warm-up is linear from f0 inner(0) and the inner schedule starts after it. Use:
//   opt.set_lr(schedule(opt.step_count())); opt.step();
#pragma once

#include <cstdint>
#include <functional>

namespace dg::nn {

using Schedule = std::function<double(std::int64_t step)>;

Schedule constant_schedule(double lr0);
Schedule step_schedule(double lr0, std::int64_t step_size, double gamma);
Schedule exponential_schedule(double lr0, double gamma);
Schedule cosine_schedule(double lr0, std::int64_t total_steps, double lr_min = 0);
Schedule warmup(Schedule inner, std::int64_t warmup_steps, double start_factor = 0);

}  // namespace dg::nn
