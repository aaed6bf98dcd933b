// Test-time refinement of the dynamic field's codes (refine.hpp).
#include "examples/gravity_field/refine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <numbers>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "autodiff/parallel.hpp"
#include "examples/common/frame_rows.hpp"
#include "io/npy.hpp"
#include "nn/adam.hpp"
#include "nn/forecast_metrics.hpp"

namespace dg::gravity_field {

namespace {

// Gradients for the codes only: the model's parameters are constants on the refinement's tape.
struct CodeGradOnly : ParamGradTarget<float> {
  Parameter<float>* code = nullptr;
  float* grad_of(const Parameter<float>& p) override { return &p == code ? code->grad.data() : nullptr; }
};

// One chunk's windows: rows (w * n + s) * N + i for window w, simulation s, particle i.
struct ChunkWindows {
  Tensor<float> x0, v0;                       // (W*n*N, d) true states at t_w
  std::vector<Tensor<float>> x_next, v_next;  // (F) of (W*n*N, d): true states at t_w + 1 .. t_w + F
  std::vector<std::int32_t> sim_of;  // (W*n*N) s of each row
  std::vector<std::int32_t> owner;   // (W*n) s of each window's graph
};

ChunkWindows chunk_windows(const datasets::Trajectories& t, std::int64_t first, std::int64_t n,
                           const std::vector<std::int64_t>& starts, int frames) {
  const std::int64_t N = t.particles, W = static_cast<std::int64_t>(starts.size()), row = n * N * kD;
  const Shape rows{W * n * N, kD};
  ChunkWindows c{Tensor<float>(rows),
                 Tensor<float>(rows),
                 std::vector<Tensor<float>>(frames, Tensor<float>(rows)),
                 std::vector<Tensor<float>>(frames, Tensor<float>(rows)),
                 {},
                 {}};
  for (std::int64_t w = 0; w < W; ++w) {
    const std::int64_t f = starts[static_cast<std::size_t>(w)];
    std::vector<std::pair<Tensor<float>*, Tensor<float>>> parts;
    parts.emplace_back(&c.x0, examples::frame_rows(t.positions, t, first, n, f));
    parts.emplace_back(&c.v0, examples::frame_rows(t.velocities, t, first, n, f));
    for (int k = 0; k < frames; ++k) {
      parts.emplace_back(&c.x_next[k], examples::frame_rows(t.positions, t, first, n, f + 1 + k));
      parts.emplace_back(&c.v_next[k], examples::frame_rows(t.velocities, t, first, n, f + 1 + k));
    }
    for (const auto& [to, from] : parts) std::copy(from.data(), from.data() + row, to->data() + w * row);
    for (std::int64_t s = 0; s < n; ++s) {
      c.owner.push_back(static_cast<std::int32_t>(s));
      for (std::int64_t i = 0; i < N; ++i) c.sim_of.push_back(static_cast<std::int32_t>(s));
    }
  }
  return c;
}

// Refines the codes (n, Z) of one chunk in place; loss_before / loss_after (n) filled. `tape` is
// only reused (its memory kept from chunk to chunk).
void refine_chunk(Tape<float>& tape, GravityModel& model, const datasets::Trajectories& t, const ChunkWindows& c,
                  std::int64_t n, int substeps, const Refinement& r, float* codes, double* loss_before,
                  double* loss_after) {
  const index_t Z = model.options().code + (model.options().anchor ? kD : 0);
  const index_t rows = c.x0.shape()[0];
  Parameter<float> code(Tensor<float>(Shape{n, Z}, std::vector<float>(codes, codes + n * Z)));
  std::vector<float> best(codes, codes + n * Z);
  std::vector<double> best_loss(static_cast<std::size_t>(n), std::numeric_limits<double>::infinity());
  std::fill_n(loss_before, n, std::numeric_limits<double>::quiet_NaN());  // until the first rollout
  nn::Adam<float> adam({{"code", &code}}, {.lr = r.lr});
  CodeGradOnly target;
  target.code = &code;
  tape.set_param_grads(&target);
  const nn::GraphBatch g = nn::fully_connected(rows / t.particles, t.particles);
  for (int k = 0; k <= r.steps; ++k) {
    tape.reset();
    Var<float> per_sim;  // (n, 1) L_s of the current codes
    try {
      const Var<float> code_of_row = gather_rows(tape.param(code), std::span<const std::int32_t>(c.sim_of));
      rollout(tape, model, g, tape.constant(c.x0), tape.constant(c.v0), code_of_row, t.dt_frame, substeps, r.frames,
              [&](int k, const Var<float>& x, const Var<float>& v) {
                const Var<float> dx = x - tape.constant(c.x_next[static_cast<std::size_t>(k)]),
                                 dv = v - tape.constant(c.v_next[static_cast<std::size_t>(k)]);
                const Var<float> frame_sum =
                    segment_sum(row_dot(dx, dx) + row_dot(dv, dv), std::span<const std::int32_t>(c.sim_of), n);
                per_sim = k == 0 ? frame_sum : per_sim + frame_sum;
              });
    } catch (const integrators::NonFiniteStateError&) {
      break;  // keep the best codes so far
    }
    for (std::int64_t s = 0; s < n; ++s) {
      const double l = per_sim.data()[s];
      if (k == 0) loss_before[s] = l;
      if (std::isfinite(l) && l < best_loss[static_cast<std::size_t>(s)]) {
        best_loss[static_cast<std::size_t>(s)] = l;
        std::copy(code.value.data() + s * Z, code.value.data() + (s + 1) * Z, best.data() + s * Z);
      }
    }
    if (k == r.steps) break;
    tape.backward(sum(per_sim));
    if (r.anchor_only)
      for (std::int64_t s = 0; s < n; ++s) std::fill_n(code.grad.data() + s * Z, model.options().code, 0.0f);
    const double progress = static_cast<double>(k) / static_cast<double>(r.steps);
    adam.set_lr(r.lr * (0.05 + 0.95 * 0.5 * (1 + std::cos(std::numbers::pi * progress))));
    try {
      adam.step();
    } catch (const nn::NonFiniteGradient&) {
      break;
    }
    adam.zero_grad();
  }
  tape.reset();
  tape.set_param_grads(nullptr);
  std::copy(best.begin(), best.end(), codes);
  for (std::int64_t s = 0; s < n; ++s) {
    const double l = best_loss[static_cast<std::size_t>(s)];
    loss_after[s] = std::isfinite(l) ? l : loss_before[s];
  }
}

// The refinement's settings as saved with its codes.
std::vector<double> cache_settings(const Refinement& r, int substeps, std::int64_t observed, std::int64_t stride) {
  return {static_cast<double>(r.steps),   r.lr,
          static_cast<double>(r.windows), r.anchor_only ? 1.0 : 0.0,
          static_cast<double>(substeps),  static_cast<double>(observed),
          static_cast<double>(stride),    static_cast<double>(r.span),
          static_cast<double>(r.frames)};
}

void save_cache(const std::string& path, const RefinedCodes& c, const std::vector<double>& settings) {
  const index_t S = c.codes.shape()[0], Z = c.codes.shape()[1];
  io::write_npz(path, {{"encoder", io::Array::from<float>({S, Z}, c.encoder.data())},
                       {"codes", io::Array::from<float>({S, Z}, c.codes.data())},
                       {"loss_before", io::Array::from<double>({S}, c.loss_before)},
                       {"loss_after", io::Array::from<double>({S}, c.loss_after)},
                       {"seconds", io::Array::from<double>({}, &c.seconds)},
                       {"settings", io::Array::from<double>({static_cast<std::int64_t>(settings.size())}, settings)}});
}

// The cached result if `path` holds one made with `settings` from the same encoder codes (S, Z).
// An unreadable file is an error (io::IoError naming it); a mismatch is not (refine again).
std::optional<RefinedCodes> read_cache(const std::string& path, const Tensor<float>& encoder,
                                       const std::vector<double>& settings) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  const io::NamedArrays a = io::read_npz(path);
  const index_t S = encoder.shape()[0], Z = encoder.shape()[1];
  auto matches = [&](const char* name, io::DType dtype, std::vector<std::int64_t> shape) {
    const io::Array& x = io::find(a, name, path);
    return x.dtype() == dtype && x.shape() == shape;
  };
  if (!matches("encoder", io::DType::Float32, {S, Z}) || !matches("codes", io::DType::Float32, {S, Z}) ||
      !matches("loss_before", io::DType::Float64, {S}) || !matches("loss_after", io::DType::Float64, {S}) ||
      !matches("seconds", io::DType::Float64, {}) ||
      !matches("settings", io::DType::Float64, {static_cast<std::int64_t>(settings.size())}))
    return std::nullopt;
  const auto saved = io::find(a, "settings", path).as<double>();
  const auto saved_encoder = io::find(a, "encoder", path).as<float>();
  if (!std::equal(saved.begin(), saved.end(), settings.begin()) ||
      std::memcmp(saved_encoder.data(), encoder.data(), saved_encoder.size_bytes()) != 0)
    return std::nullopt;
  RefinedCodes out{encoder,
                   Tensor<float>(Shape{S, Z}),
                   io::find(a, "loss_before", path).to_vector<double>(),
                   io::find(a, "loss_after", path).to_vector<double>(),
                   io::find(a, "seconds", path).as<double>()[0],
                   true};
  const auto codes = io::find(a, "codes", path).as<float>();
  std::copy(codes.begin(), codes.end(), out.codes.data());
  return out;
}

}  // namespace

std::vector<std::int64_t> window_starts(std::int64_t observed, const Refinement& r) {
  const std::int64_t last = observed - 1 - r.frames;  // its window ends on the last observed frame
  const std::int64_t earliest = r.span > 0 ? std::max<std::int64_t>(0, last - r.span + 1) : 0;
  const std::int64_t W = std::min(r.windows, last - earliest + 1);
  std::vector<std::int64_t> starts;
  for (std::int64_t w = 0; w < W; ++w)
    starts.push_back(last - (w * (last - earliest)) / std::max<std::int64_t>(W - 1, 1));
  return starts;
}

RefinedCodes refined_codes(GravityModel& model, const datasets::Trajectories& t, std::int64_t observed,
                           std::int64_t stride, int substeps, const Refinement& r, std::int64_t batch,
                           nn::ProgressLine* progress) {
  if (!model.has_code()) throw std::invalid_argument("refined_codes: the model has no code to refine");
  if (r.steps < 0 || r.lr <= 0 || !std::isfinite(r.lr) || r.windows < 1 || r.span < 0 || r.frames < 1)
    throw std::invalid_argument("refined_codes: steps >= 0, lr > 0, windows >= 1, span >= 0 and frames >= 1");
  if (r.anchor_only && !model.options().anchor)
    throw std::invalid_argument("refined_codes: anchor_only needs a model with --anchor");
  if (observed < 1 + r.frames || observed > t.frames)
    throw std::invalid_argument("refined_codes: observed must be " + std::to_string(1 + r.frames) + " .. " +
                                std::to_string(t.frames) + " (windows of " + std::to_string(r.frames) + " frames)");
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t S = t.sims;
  const index_t Z = model.options().code + (model.options().anchor ? kD : 0);
  RefinedCodes out{Tensor<float>(Shape{S, Z}), Tensor<float>(Shape{S, Z}),
                   std::vector<double>(static_cast<std::size_t>(S), 0.0),
                   std::vector<double>(static_cast<std::size_t>(S), 0.0), 0};
  {  // the encoder's codes, batch by batch as the forecasts read them
    Tape<float> tape;
    NoGradGuard<float> no_grad(tape);
    for (std::int64_t first = 0; first < S; first += batch) {
      const std::int64_t count = std::min(batch, S - first);
      tape.reset();
      const Var<float> z = encoder_codes(tape, model, t, first, count, observed, stride);  // (count, Z)
      std::copy(z.data(), z.data() + count * Z, out.encoder.data() + first * Z);
    }
  }
  const std::vector<double> settings = cache_settings(r, substeps, observed, stride);
  if (!r.cache.empty() && r.read_cache)
    if (std::optional<RefinedCodes> cached = read_cache(r.cache, out.encoder, settings)) return *cached;
  out.codes = out.encoder;
  if (r.steps > 0) {
    const std::vector<std::int64_t> starts = window_starts(observed, r);
    constexpr std::int64_t kChunk = 25;  // simulations per tape
    const std::int64_t chunks = chunk_count(S, kChunk);
    // Chunks are independent (a simulation's code depends on its own rows alone), so they run on
    // the threads, one tape each; which thread refines a chunk never changes its bits. An error is
    // kept per chunk and the first by index rethrown, the same with any number of threads.
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(chunks));
    std::int64_t done_sims = 0;
    double done_loss = 0;
#pragma omp parallel if (chunks > 1 && num_threads() > 1)
    {
      Tape<float> tape;  // this thread's, its memory kept from chunk to chunk
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
        const std::int64_t first = chunk * kChunk, n = std::min(kChunk, S - first);
        try {
          const ChunkWindows c = chunk_windows(t, first, n, starts, r.frames);
          refine_chunk(tape, model, t, c, n, substeps, r, out.codes.data() + first * Z, out.loss_before.data() + first,
                       out.loss_after.data() + first);
        } catch (...) {
          errors[static_cast<std::size_t>(chunk)] = std::current_exception();
          continue;
        }
#pragma omp critical(refine_progress)
        {
          done_sims += n;
          done_loss = std::accumulate(out.loss_after.begin() + first, out.loss_after.begin() + first + n, done_loss);
          if (progress) progress->update(1, 1, done_sims, S, done_loss / static_cast<double>(done_sims));
        }
      }
    }
    for (const std::exception_ptr& e : errors)
      if (e) std::rethrow_exception(e);
    if (progress) progress->finish();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.cache.empty()) save_cache(r.cache, out, settings);
  return out;
}

RefinementSummary summarize(const RefinedCodes& r, const GravityModel& model, const Refinement& refinement,
                            const std::vector<double>& hidden) {
  const index_t S = r.codes.shape()[0], Z = r.codes.shape()[1], c0 = model.options().code;
  RefinementSummary out{.simulations = S, .steps = refinement.steps, .seconds = r.seconds, .from_cache = r.from_cache};
  auto finite_median = [](const std::vector<double>& v) {  // over the simulations whose fit was measured
    std::vector<double> kept;
    for (double x : v)
      if (std::isfinite(x)) kept.push_back(x);
    return kept.empty() ? std::numeric_limits<double>::quiet_NaN() : nn::quantile(kept, 0.5);
  };
  out.median_loss_before = finite_median(r.loss_before);
  out.median_loss_after = finite_median(r.loss_after);
  std::vector<double> before(static_cast<std::size_t>(S)), after(static_cast<std::size_t>(S));
  for (index_t s = 0; s < S; ++s) {
    out.moved += !std::equal(r.codes.data() + s * Z, r.codes.data() + (s + 1) * Z, r.encoder.data() + s * Z);
    double d_before = 0, d_after = 0;
    for (index_t c = 0; c < kD && model.options().anchor; ++c) {
      const double h = hidden[static_cast<std::size_t>(s * kD + c)];
      d_before += std::pow(r.encoder[s * Z + c0 + c] - h, 2), d_after += std::pow(r.codes[s * Z + c0 + c] - h, 2);
    }
    before[static_cast<std::size_t>(s)] = std::sqrt(d_before), after[static_cast<std::size_t>(s)] = std::sqrt(d_after);
  }
  out.moved /= static_cast<double>(S);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.anchor_distance_before = model.options().anchor ? nn::quantile(before, 0.5) : nan;
  out.anchor_distance_after = model.options().anchor ? nn::quantile(after, 0.5) : nan;
  return out;
}

}  // namespace dg::gravity_field
