// The training loop of the gravity_field models (train.hpp).
#include "examples/gravity_field/train.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>
#include <vector>

#include "distributed/shards.hpp"
#include "examples/common/rollout_training.hpp"
#include "nn/adam.hpp"

namespace dg::gravity_field {

namespace {

// One step's windows: simulation, start frame, and the states as float rows (B * N, d).
struct Windows {
  std::vector<std::int64_t> sims, starts;  // (B)
  Tensor<float> x0, v0;                    // (B*N, d)
  std::vector<Tensor<float>> x, v;         // window x (B*N, d): frames start + 1 .. start + W
  Tensor<float> weights;                   // (B*N, 1) relative weights (mean 1)
};

void copy_frame(const double* src, std::int64_t count, float* dst) {
  for (std::int64_t k = 0; k < count; ++k) dst[k] = static_cast<float>(src[k]);
}

void draw_windows(const datasets::Trajectories& t, const TrainOptions& o, std::int64_t step, Windows& w) {
  const std::int64_t B = o.batch, N = t.particles, W = o.window, row = N * kD;
  Philox rng(o.seed, 1000 + static_cast<std::uint64_t>(step));  // this step's windows only
  w.sims.resize(static_cast<std::size_t>(B));
  w.starts.resize(static_cast<std::size_t>(B));
  w.x0 = Tensor<float>(Shape{B * N, kD});
  w.v0 = Tensor<float>(Shape{B * N, kD});
  w.x.assign(static_cast<std::size_t>(W), Tensor<float>(Shape{B * N, kD}));
  w.v.assign(static_cast<std::size_t>(W), Tensor<float>(Shape{B * N, kD}));
  w.weights = Tensor<float>::full(Shape{B * N, 1}, 1.0f);
  double total = 0;
  for (std::int64_t b = 0; b < B; ++b) {
    const auto s = std::min(t.sims - 1, static_cast<std::int64_t>(rng.uniform01() * static_cast<double>(t.sims)));
    const auto f =
        std::min(t.frames - W - 1, static_cast<std::int64_t>(rng.uniform01() * static_cast<double>(t.frames - W)));
    w.sims[static_cast<std::size_t>(b)] = s, w.starts[static_cast<std::size_t>(b)] = f;
    copy_frame(t.positions_at(s, f), row, w.x0.data() + b * row);
    copy_frame(t.velocities_at(s, f), row, w.v0.data() + b * row);
    for (std::int64_t k = 0; k < W; ++k) {
      copy_frame(t.positions_at(s, f + 1 + k), row, w.x[static_cast<std::size_t>(k)].data() + b * row);
      copy_frame(t.velocities_at(s, f + 1 + k), row, w.v[static_cast<std::size_t>(k)].data() + b * row);
    }
    if (o.relative_floor <= 0) continue;
    for (std::int64_t i = 0; i < N; ++i) {  // mean acceleration over the window: velocity change / time
      double dv2 = 0;
      for (std::int64_t c = 0; c < kD; ++c) {
        const double dv = t.velocities_at(s, f + W)[i * kD + c] - t.velocities_at(s, f)[i * kD + c];
        dv2 += dv * dv;
      }
      const double a = std::sqrt(dv2) / (static_cast<double>(W) * t.dt_frame);
      w.weights[b * N + i] = static_cast<float>(1.0 / ((a + o.relative_floor) * (a + o.relative_floor)));
      total += w.weights[b * N + i];
    }
  }
  if (o.relative_floor > 0)
    for (index_t k = 0; k < B * N; ++k) w.weights[k] = static_cast<float>(w.weights[k] * double(B * N) / total);
}

}  // namespace

TrainRecord train(GravityModel& model, const datasets::Trajectories& data, const TrainOptions& o,
                  nn::ProgressLine& progress, int model_index, int model_count) {
  if (data.frames <= o.window)
    throw std::invalid_argument(data.source + ": " + std::to_string(data.frames) + " frames, too few for a window of " +
                                std::to_string(o.window));
  if (o.codes && (o.codes->shape().rank != 2 || o.codes->shape()[0] != data.sims))
    throw std::invalid_argument(data.source + ": fixed codes for " + std::to_string(o.codes->shape()[0]) +
                                " simulations, the data have " + std::to_string(data.sims));
  if (o.observed < 2 || o.observed > data.frames)
    throw std::invalid_argument(data.source + ": the encoder reads " + std::to_string(o.observed) + " frames of " +
                                std::to_string(data.frames));
  nn::Adam<float> adam(model.parameters(), {.lr = o.lr});
  nn::StepTrainerOptions to = examples::resumable_trainer_options(o, model_name(model.options().kind), model.describe(),
                                                                  progress, model_index, model_count, 100);
  to.shards = o.shards;
  nn::StepTrainer<float> trainer(model, adam, std::move(to));
  TrainRecord record{.resumed_from = trainer.step()};
  const std::int64_t N = data.particles, S = std::max<std::int64_t>(o.shards, 1);
  std::vector<nn::GraphBatch> graphs;  // per shard: its windows' fully connected graphs
  for (std::int64_t s = 0; s < S; ++s) {
    const auto [b0, b1] = distributed::shard_range(o.batch, S, s);
    graphs.push_back(nn::fully_connected(b1 - b0, N));
  }
  Windows w;
  while (trainer.running()) {
    draw_windows(data, o, trainer.step(), w);
    // Shard s rolls out windows [b0, b1) of the step's (rows [b0 N, b1 N)) and returns its share of
    // the step's loss (a mean over all rows); without shards, shard 0 holds them all.
    trainer.train_step([&](Tape<float>& tape, std::int64_t s) {
      const auto [b0, b1] = distributed::shard_range(o.batch, S, s);
      const index_t B = b1 - b0, r0 = b0 * N, rows = B * N;
      const auto slice = [&](const Tensor<float>& t) { return tape.constant(Shape{rows, kD}, t.data() + r0 * kD); };
      Var<float> codes;
      if (model.has_code() && o.codes) {  // the fixed codes' rows of the windows' simulations
        const index_t Z = o.codes->shape()[1];
        Tensor<float> rows_codes(Shape{rows, Z});  // (B*N, Z)
        for (index_t r = 0; r < rows; ++r) {
          const float* z = o.codes->data() + w.sims[static_cast<std::size_t>(b0 + r / N)] * Z;
          std::copy(z, z + Z, rows_codes.data() + r * Z);
        }
        codes = tape.constant(rows_codes);
      } else if (model.has_code()) {
        const Context c = context_of(
            data, std::span<const std::int64_t>(w.sims).subspan(std::size_t(b0), std::size_t(B)), o.observed, o.stride);
        codes = code_rows(model.codes(tape, c.rows, c.graph, B), B, N);
      }
      Var<float> loss;
      const Var<float> weights = tape.constant(Shape{rows, 1}, w.weights.data() + r0);
      rollout(tape, model, graphs[std::size_t(s)], slice(w.x0), slice(w.v0), codes, data.dt_frame, o.substeps,
              static_cast<int>(o.window), [&](int k, const Var<float>& x, const Var<float>& v) {
                const auto f = static_cast<std::size_t>(k);
                Var<float> l = square(x - slice(w.x[f]));  // (M, d)
                if (o.velocity_weight > 0) l = l + o.velocity_weight * square(v - slice(w.v[f]));
                l = mean(l * weights);
                loss = loss.valid() ? loss + l : l;
              });
      loss = loss / static_cast<double>(o.window);
      return o.shards > 0 ? loss * (double(B) / double(o.batch)) : loss;
    });
  }
  examples::finish_training(trainer, record);
  return record;
}

}  // namespace dg::gravity_field
