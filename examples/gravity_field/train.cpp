// The training loop of the gravity_field models (train.hpp).
#include "examples/gravity_field/train.hpp"

#include <algorithm>
#include <cmath>

#include "autodiff/ops.hpp"
#include "nn/adam.hpp"
#include "nn/clip.hpp"
#include "nn/schedule.hpp"

namespace dg::gravity_field {

std::vector<double> train(GravityModel& m, const Split& d, const TrainSettings& s, nn::ProgressLine& progress, int phase) {
  const std::vector<nn::NamedParameter<float>> params = m.parameters();
  nn::Adam<float> opt(params, {.lr = s.lr});
  const nn::Schedule lr = nn::warmup(nn::cosine_schedule(s.lr, s.steps, s.lr * 1e-2), std::min<std::int64_t>(100, s.steps / 10));
  const index_t B = s.sims_per_step, T = s.frames_per_sim, n = d.traj.particles, R = B * T * n;
  const nn::GraphBatch g = nn::fully_connected(B * T, n);
  Tensor<float> x(Shape{R, kD}), a(Shape{R, kD}), w(Shape{R, 1});
  std::vector<std::int64_t> sims(static_cast<std::size_t>(B));
  Tape<float> tape;
  std::vector<double> losses;
  for (std::int64_t step = 0; step < s.steps; ++step) {
    Philox rng(s.seed, std::uint64_t(step));  // this step's simulations and frames
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
    tape.reset();
    Var<float> code_rows;
    if (m.with_field()) {
      const Context c = context_of(d, sims, s.observed, s.stride);
      code_rows = rows_of(m.codes(tape, c.rows, c.graph, B), B, T * n);
    }
    const Var<float> err = m.accel(tape, g, tape.constant(x), code_rows) - tape.constant(a);
    const Var<float> loss = mean(tape.constant(w) * row_dot(err, err));
    tape.backward(loss);
    nn::clip_grad_norm(params, 10.0);
    opt.set_lr(lr(step));
    opt.step();
    opt.zero_grad();
    losses.push_back(loss.item());
    progress.update(phase, 2, step + 1, s.steps, losses.back());
  }
  return losses;
}

}  // namespace dg::gravity_field
