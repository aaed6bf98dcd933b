// The training loop of the field-discovery models (train.hpp).
#include "examples/field_discovery/train.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "datasets/windows.hpp"
#include "io/csv.hpp"
#include "nn/adam.hpp"
#include "nn/checkpoint.hpp"
#include "nn/clip.hpp"
#include "nn/schedule.hpp"

namespace dg::field_discovery {

namespace {

// (M, 1) weights 1 / (|a_i| + floor)^2 normalised to mean 1, with |a_i| the mean acceleration of
// particle i from the window's start to target frame f (velocity change over time): every
// particle's error counts relative to how hard it is being pushed, so the weak field far from
// the sources matters as much as the strong one near them.
void relative_weights(const datasets::WindowBatch<float>& batch, std::size_t f, double dt_frame, double floor,
                      Tensor<float>& weights) {
  const Tensor<float>& v0 = batch.input_velocities[0];
  const Tensor<float>& v1 = batch.target_velocities[f];
  const index_t M = v0.shape()[0], d = v0.shape()[1];
  if (weights.numel() != M) weights = Tensor<float>(Shape{M, 1});
  double total = 0;
  for (index_t i = 0; i < M; ++i) {
    double dv2 = 0;
    for (index_t c = 0; c < d; ++c) dv2 += double(v1[i * d + c] - v0[i * d + c]) * double(v1[i * d + c] - v0[i * d + c]);
    const double a = std::sqrt(dv2) / (double(f + 1) * dt_frame);
    weights[i] = float(1.0 / ((a + floor) * (a + floor)));
    total += weights[i];
  }
  for (index_t i = 0; i < M; ++i) weights[i] = float(weights[i] * double(M) / total);
}

}  // namespace

TrainRecord train(DynamicsModel& model, const datasets::Trajectories& data, const TrainOptions& o,
                  nn::ProgressLine& progress, int model_index, int model_count) {
  datasets::WindowLoader<float> loader(
      data, {.input_frames = 1, .target_frames = o.window, .batch_size = o.batch, .drop_last = true, .seed = o.seed});
  nn::Adam<float> adam(model.parameters(), {.lr = o.lr});
  const std::int64_t warm = std::min(o.warmup, o.steps / 10);  // short runs warm up for a tenth
  const nn::Schedule cosine = nn::cosine_schedule(o.lr, std::max<std::int64_t>(1, o.steps - warm), o.lr_min);
  const nn::Schedule schedule = warm > 0 ? nn::warmup(cosine, warm) : cosine;
  TrainRecord record;
  if (o.resume && std::filesystem::exists(o.checkpoint_path)) {
    record.resumed_from = nn::load_checkpoint(o.checkpoint_path, model, adam).step;
    if (record.resumed_from > o.steps)
      throw std::runtime_error(o.checkpoint_path + ": saved at step " + std::to_string(record.resumed_from) +
                               ", beyond --steps " + std::to_string(o.steps));
  }
  io::MetricsLogger curve(o.curve_path, {"step", "loss", "lr", "seconds"}, io::LogFormat::Csv,
                          record.resumed_from > 0);
  auto save = [&](std::int64_t step) {
    nn::save_checkpoint(o.checkpoint_path, model, adam, {.description = model.describe(), .step = step});
  };

  const int frame_substeps = o.substeps;
  Tape<float> tape;
  Tensor<float> charges;  // (B*N, 1)
  Tensor<float> weights;  // (B*N, 1) relative_weights
  double recent = 0;
  std::int64_t recent_count = 0;
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  std::int64_t epoch = -1;
  std::int64_t step = record.resumed_from;
  for (; step < o.steps; ++step) {
    if (o.stop_after >= 0 && step - record.resumed_from >= o.stop_after) {
      record.stopped = true;
      break;
    }
    if (step / loader.batch_count() != epoch) loader.start_epoch(epoch = step / loader.batch_count());
    const datasets::WindowBatch<float>& batch = loader.batch(step % loader.batch_count());
    if (charges.numel() != batch.charges.numel()) charges = Tensor<float>(Shape{batch.charges.numel(), 1});
    std::copy(batch.charges.data(), batch.charges.data() + batch.charges.numel(), charges.data());

    tape.reset();
    Var<float> loss;
    rollout(tape, model, batch.graph, tape.constant(batch.input_positions[0]), tape.constant(batch.input_velocities[0]),
            tape.constant(charges), data.dt_frame, frame_substeps, static_cast<int>(o.window),
            [&](int k, const Var<float>& q, const Var<float>& v) {
              const auto f = static_cast<std::size_t>(k);
              Var<float> l = square(q - tape.constant(batch.target_positions[f]));  // (M, d)
              if (o.velocity_weight > 0)
                l = l + o.velocity_weight * square(v - tape.constant(batch.target_velocities[f]));
              if (o.relative_floor > 0) {
                relative_weights(batch, f, data.dt_frame, o.relative_floor, weights);
                l = l * tape.constant(weights);
              }
              l = mean(l);
              loss = loss.valid() ? loss + l : l;
            });
    loss = loss / static_cast<double>(o.window);
    adam.zero_grad();
    tape.backward(loss);
    const double value = loss.item();
    if (!std::isfinite(value))
      throw std::runtime_error(std::string(model_name(model.options().kind)) + ": the loss is " +
                               std::to_string(value) + " at step " + std::to_string(step));
    if (o.clip > 0) nn::clip_grad_norm(adam.parameters(), o.clip);
    adam.set_lr(schedule(step));
    adam.step();

    if (step + 1 > o.steps - 100) recent += value, ++recent_count;
    if ((step + 1) % 10 == 0 || step + 1 == o.steps) {
      curve.log({double(step + 1), value, adam.lr(), seconds()});
      record.curve_step.push_back(double(step + 1));
      record.curve_loss.push_back(value);
    }
    progress.update(model_index, model_count, step + 1, o.steps, value);
    if (o.checkpoint_every > 0 && (step + 1) % o.checkpoint_every == 0) save(step + 1);
  }
  progress.finish();
  save(step);
  record.seconds = seconds();
  record.final_loss = recent_count > 0 ? recent / static_cast<double>(recent_count) : 0.0;
  record.ms_per_step = step > record.resumed_from ? 1e3 * record.seconds / double(step - record.resumed_from) : 0;
  return record;
}

}  // namespace dg::field_discovery
