// The training loop of the gravity_field models (train.hpp).
#include "examples/gravity_field/train.hpp"

#include <algorithm>
#include <cmath>

#include "autodiff/ops.hpp"
#include "nn/adam.hpp"
#include "nn/step_trainer.hpp"

namespace dg::gravity_field {

std::vector<double> train(GravityModel& m, const Split& d, const TrainSettings& s, nn::ProgressLine& progress, int phase) {
  nn::Adam<float> opt(m.parameters(), {.lr = s.lr});
  nn::StepTrainer<float> trainer(
      m, opt,
      {.name = m.with_field() ? "field" : "no_field",
       .steps = s.steps,
       .clip_norm = 10.0,
       .schedule = nn::warmup(nn::cosine_schedule(s.lr, s.steps, s.lr * 1e-2), std::min<std::int64_t>(100, s.steps / 10)),
       .progress = &progress,
       .phase = phase,
       .phases = 2});
  const index_t B = s.sims_per_step, T = s.frames_per_sim, n = d.traj.particles, R = B * T * n;
  const nn::GraphBatch g = nn::fully_connected(B * T, n);
  Tensor<float> x(Shape{R, kD}), a(Shape{R, kD}), w(Shape{R, 1});
  std::vector<std::int64_t> sims(static_cast<std::size_t>(B));
  std::vector<double> losses;
  while (trainer.running()) {
    Philox rng(s.seed, std::uint64_t(trainer.step()));  // this step's simulations and frames
    index_t r = 0;
    for (index_t b = 0; b < B; ++b) {
      sims[std::size_t(b)] = std::int64_t(rng.uniform(0, double(d.traj.sims))) % d.traj.sims;
      for (index_t k = 0; k < T; ++k) {
        const std::int64_t t = std::int64_t(rng.uniform(0, double(s.observed - 1))) % (s.observed - 1);
        for (index_t i = 0; i < n; ++i, ++r) {
          double norm2 = 0;
          for (index_t j = 0; j < kD; ++j) {
            x(r, j) = float(d.mid[d.at(sims[std::size_t(b)], t, i) + std::size_t(j)]);
            a(r, j) = float(d.acc[d.at(sims[std::size_t(b)], t, i) + std::size_t(j)]);
            norm2 += double(a(r, j)) * a(r, j);
          }
          w[r] = float(1.0 / ((std::sqrt(norm2) + 1.0) * (std::sqrt(norm2) + 1.0)));
        }
      }
    }
    const nn::StepStats stats = trainer.train_step([&](Tape<float>& tape) {
      Var<float> code_rows;
      if (m.with_field()) {
        const Context c = context_of(d, sims, s.observed, s.stride);
        code_rows = rows_of(m.codes(tape, c.rows, c.graph, B), B, T * n);
      }
      const Var<float> err = m.accel(tape, g, tape.constant(x), code_rows) - tape.constant(a);
      return mean(tape.constant(w) * row_dot(err, err));
    });
    losses.push_back(stats.loss);
  }
  trainer.finish();
  return losses;
}

}  // namespace dg::gravity_field
