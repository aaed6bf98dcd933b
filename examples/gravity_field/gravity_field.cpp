// gravity_field: a dynamic field learned from trajectories (Aether's gravitational set, Kofinas
// et al., NeurIPS 2023). Five unit masses move in 3D around a heavy fixed mass (10) that sits
// somewhere else in every simulation and is never observed. A latent code summarising the
// observed frames conditions a neural field through FiLM, so the one network represents a
// different field in every simulation; forecasts of 5 frames after 44 observed are compared
// with the same model without the field.
//
// A small version of the published setting (our choices, stated): models learn ACCELERATIONS,
// read from the data as finite differences a = (v(t+1) - v(t)) / dt_frame at the midpoint
// position, and forecasts integrate them with velocity Verlet (substeps per frame):
//   pairwise   a_i = sum_j (x_j - x_i) exp(g(log(|x_j - x_i|^2 + 0.01)))   (both models; g an MLP,
//              a radial force: equivariant, able to learn softened gravity, blind to the heavy mass)
//   field      + E(x_i | z), E a NeuralField of the absolute position (Fourier features) modulated
//              by FiLM with the code z = mean over the observed (frame, particle) pairs of
//              MLP([x, a / |a| log(1 + |a|)]) of that simulation (a set encoder).
// Loss: |a_pred - a|^2 / (|a| + 1)^2 (the close passes near the heavy mass do not dominate).
// Measures: forecast position error (mean L2) at steps 1..5 for both models and constant velocity;
// for the field model, the cosine between learned and true heavy-mass field around the mass.
//
//   gravity_field [--quick] [--check] [--quiet] [--out DIR] [--seed S] [--threads T] ...  (--help)
//
// Outputs in --out: results.json, training.csv, forecast.csv, training.svg, forecast.svg,
// field.svg (learned and true field in the plane of the heavy mass of a test simulation).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <numbers>
#include <span>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "datasets/datasets.hpp"
#include "examples/common/checks.hpp"
#include "examples/common/output_dir.hpp"
#include "io/csv.hpp"
#include "io/svg.hpp"
#include "nn/adam.hpp"
#include "nn/clip.hpp"
#include "nn/field/neural_field.hpp"
#include "nn/graph/graph_batch.hpp"
#include "nn/progress.hpp"
#include "nn/schedule.hpp"

using namespace dg;

namespace {

constexpr index_t kD = 3;

// ---- data ----------------------------------------------------------------------------------------

// One split with the observed accelerations a(s, t, i) = (v(t+1) - v(t)) / dt_frame at the
// midpoints m(s, t, i) = (x(t) + x(t+1)) / 2, t = 0 .. F-2, and the hidden heavy mass.
struct Split {
  datasets::Trajectories traj;
  std::vector<double> mid, acc;  // (S, F-1, N, d)
  std::vector<double> heavy;     // (S, d)
  std::int64_t pairs() const { return traj.frames - 1; }
  std::size_t at(std::int64_t s, std::int64_t t, std::int64_t i) const {
    return static_cast<std::size_t>(((s * pairs() + t) * traj.particles + i) * kD);
  }
};

Split make_split(const datasets::Generator& g, const datasets::Params& p, datasets::Split which) {
  Split out;
  out.traj = datasets::trajectories_from_arrays(datasets::generate_split(g, p, which), datasets::split_name(which));
  const auto& t = out.traj;
  if (t.dim != kD || t.dt_frame <= 0) throw datasets::DatasetError("gravitational data: expected 3D with dt_frame");
  const std::vector<double> src = io::find(t.others, "source_positions", t.source).to_vector<double>();
  if (src.size() != static_cast<std::size_t>(t.sims * kD)) throw datasets::DatasetError("expected one heavy mass per simulation");
  out.heavy = src;
  out.mid.resize(static_cast<std::size_t>(t.sims * (t.frames - 1) * t.particles * kD));
  out.acc.resize(out.mid.size());
  for (std::int64_t s = 0; s < t.sims; ++s)
    for (std::int64_t f = 0; f + 1 < t.frames; ++f)
      for (std::int64_t c = 0; c < t.particles * kD; ++c) {
        const std::size_t k = out.at(s, f, 0) + static_cast<std::size_t>(c);
        out.mid[k] = 0.5 * (t.positions_at(s, f)[c] + t.positions_at(s, f + 1)[c]);
        out.acc[k] = (t.velocities_at(s, f + 1)[c] - t.velocities_at(s, f)[c]) / t.dt_frame;
      }
  return out;
}

// ---- the model -----------------------------------------------------------------------------------

struct Sizes {
  index_t hidden, code, frequencies;
  double sigma;
};

class GravityModel : public nn::Module<float> {
 public:
  GravityModel(bool with_field, const Sizes& z, Philox& rng)
      : with_field_(with_field),
        pair_({1, z.hidden, z.hidden, 1}, rng),
        encoder_({2 * kD, z.hidden, z.hidden, z.code}, rng),
        field_({.in_dim = kD, .out_dim = kD, .encoding = nn::FieldEncoding::Fourier, .fourier_features = z.frequencies,
                .sigma = z.sigma, .hidden = {z.hidden, z.hidden}, .code_dim = z.code},
               rng) {
    register_module("pair", pair_);
    if (with_field_) register_module("encoder", encoder_), register_module("field", field_);
  }
  bool with_field() const { return with_field_; }

  // Codes (B, Z) from context rows (C, 2d) = [x, a / |a| log(1 + |a|)], row r belonging to graph ctx_graph[r].
  Var<float> codes(Tape<float>& tape, const Tensor<float>& context, std::span<const std::int32_t> ctx_graph, index_t B) {
    return segment_mean(encoder_(tape, tape.constant(context)), ctx_graph, B);
  }
  // Accelerations (R, d) at x (R, d): frames of N particles as the graphs of g; code_rows (R, Z).
  Var<float> accel(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x, Var<float> code_rows) {
    const std::span<const std::int32_t> snd(g.senders), rcv(g.receivers);
    const Var<float> diff = gather_rows(x, snd) - gather_rows(x, rcv);                 // x_j - x_i (E, d)
    const Var<float> coef = exp(pair_(tape, log(row_dot(diff, diff) + 0.01)));         // (E, 1)
    Var<float> a = segment_sum(diff * coef, rcv, g.num_nodes);
    if (with_field_) a = a + field_.forward(tape, x, {}, code_rows);
    return a;
  }
  Var<float> field(Tape<float>& tape, Var<float> x, Var<float> code_rows) { return field_.forward(tape, x, {}, code_rows); }

 private:
  bool with_field_;
  nn::MLP<float> pair_, encoder_;
  nn::NeuralField<float> field_;
};

// The encoder's input rows of simulations `sims` of a split: every `stride`-th observed pair.
struct Context {
  Tensor<float> rows;
  std::vector<std::int32_t> graph;
};
Context context_of(const Split& d, std::span<const std::int64_t> sims, std::int64_t observed, std::int64_t stride) {
  const std::int64_t n = d.traj.particles, per = (observed - 1 + stride - 1) / stride;
  Context c{Tensor<float>(Shape{index_t(sims.size()) * per * n, 2 * kD}), {}};
  index_t r = 0;
  for (std::size_t b = 0; b < sims.size(); ++b)
    for (std::int64_t t = 0; t < observed - 1; t += stride)
      for (std::int64_t i = 0; i < n; ++i, ++r) {
        const std::size_t k = d.at(sims[b], t, i);
        const double norm = std::sqrt(d.acc[k] * d.acc[k] + d.acc[k + 1] * d.acc[k + 1] + d.acc[k + 2] * d.acc[k + 2]);
        for (index_t j = 0; j < kD; ++j) {
          c.rows(r, j) = float(d.mid[k + j]);
          c.rows(r, kD + j) = float(norm > 0 ? d.acc[k + j] / norm * std::log1p(norm) : 0.0);
        }
        c.graph.push_back(std::int32_t(b));
      }
  return c;
}

// Per-row codes (rows of `per_graph` consecutive rows per simulation) from codes (B, Z).
Var<float> rows_of(Var<float> codes, index_t B, index_t per_graph) {
  std::vector<std::int32_t> idx;
  for (index_t b = 0; b < B; ++b)
    for (index_t k = 0; k < per_graph; ++k) idx.push_back(std::int32_t(b));
  return gather_rows(codes, std::span<const std::int32_t>(idx));
}

// ---- training ------------------------------------------------------------------------------------

struct TrainSettings {
  std::int64_t steps, sims_per_step, frames_per_sim, observed, stride;
  double lr;
  std::uint64_t seed;
};

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

// ---- evaluation ----------------------------------------------------------------------------------

// Mean L2 position error at forecast steps 1..K from the last observed frame, every test
// simulation at once, velocity Verlet with `substeps` per frame. model null: constant velocity.
std::vector<double> forecast_errors(GravityModel* m, const Split& d, std::int64_t observed, std::int64_t horizon,
                                    int substeps, std::int64_t stride) {
  const index_t S = d.traj.sims, n = d.traj.particles, R = S * n;
  const nn::GraphBatch g = nn::fully_connected(S, n);
  Tensor<float> x(Shape{R, kD}), v(Shape{R, kD});
  for (index_t s = 0; s < S; ++s)
    for (index_t c = 0; c < n * kD; ++c) {
      x[s * n * kD + c] = float(d.traj.positions_at(s, observed - 1)[c]);
      v[s * n * kD + c] = float(d.traj.velocities_at(s, observed - 1)[c]);
    }
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  Tensor<float> code_rows;
  if (m && m->with_field()) {
    std::vector<std::int64_t> sims(static_cast<std::size_t>(S));
    for (index_t s = 0; s < S; ++s) sims[std::size_t(s)] = s;
    const Context c = context_of(d, sims, observed, stride);
    const Var<float> rows = rows_of(m->codes(tape, c.rows, c.graph, S), S, n);
    code_rows = Tensor<float>(rows.shape(), std::vector<float>(rows.data(), rows.data() + rows.numel()));
  }
  auto accel = [&](Tensor<float>& out) {
    if (!m) {
      out.fill(0.0f);
      return;
    }
    tape.reset();
    const Var<float> a = m->accel(tape, g, tape.constant(x), m->with_field() ? tape.constant(code_rows) : Var<float>{});
    std::copy(a.data(), a.data() + a.numel(), out.data());
  };
  const double h = d.traj.dt_frame / substeps;
  Tensor<float> a(Shape{R, kD});
  accel(a);
  std::vector<double> err;
  for (std::int64_t k = 1; k <= horizon; ++k) {
    for (int sub = 0; sub < substeps; ++sub) {
      for (index_t i = 0; i < R * kD; ++i) v[i] += float(0.5 * h) * a[i], x[i] += float(h) * v[i];
      accel(a);
      for (index_t i = 0; i < R * kD; ++i) v[i] += float(0.5 * h) * a[i];
    }
    double e = 0;
    for (index_t s = 0; s < S; ++s)
      for (index_t i = 0; i < n; ++i) {
        const double* truth = d.traj.positions_at(s, observed - 1 + k) + i * kD;
        double sq = 0;
        for (index_t j = 0; j < kD; ++j) sq += (x(s * n + i, j) - truth[j]) * (x(s * n + i, j) - truth[j]);
        e += std::sqrt(sq);
      }
    err.push_back(e / double(R));
  }
  return err;
}

// The heavy mass's true field at p (per unit mass): G M (h - p) / (|h - p|^2 + eps^2)^(3/2).
void true_field(const double* h, const double* p, double GM, double eps, double* out) {
  double r2 = eps * eps;
  for (index_t j = 0; j < kD; ++j) r2 += (h[j] - p[j]) * (h[j] - p[j]);
  for (index_t j = 0; j < kD; ++j) out[j] = GM * (h[j] - p[j]) / (r2 * std::sqrt(r2));
}

}  // namespace

int main(int argc, char** argv) {
  examples::Options opt("gravity_field", "A latent-code-conditioned neural field for the dynamic gravitational field.");
  const examples::StandardOptions so = examples::add_standard_options(opt, "gravity_field");
  std::int64_t& n_train = opt.add("train", std::int64_t{2000}, "training simulations", std::int64_t{1});
  std::int64_t& n_test = opt.add("test", std::int64_t{200}, "test simulations", std::int64_t{1});
  std::int64_t& observed = opt.add("observed", std::int64_t{44}, "observed frames", std::int64_t{2});
  std::int64_t& horizon = opt.add("horizon", std::int64_t{5}, "forecast frames", std::int64_t{1});
  std::int64_t& steps = opt.add("steps", std::int64_t{10000}, "training steps per model", std::int64_t{1});
  std::int64_t& sims_per_step = opt.add("batch", std::int64_t{16}, "simulations per step", std::int64_t{1});
  std::int64_t& frames_per_sim = opt.add("frames-per-sim", std::int64_t{4}, "frames per simulation per step", std::int64_t{1});
  std::int64_t& stride = opt.add("context-stride", std::int64_t{4}, "every how many observed frames the encoder reads", std::int64_t{1});
  double& lr = opt.add("lr", 2e-3, "peak Adam learning rate (warm-up, cosine decay)", 1e-8, 1.0);
  int& hidden = opt.add("hidden", 64, "width of every MLP", 1, 4096);
  int& code = opt.add("code", 16, "latent code size", 1, 4096);
  int& substeps = opt.add("substeps", 20, "velocity-Verlet substeps per frame in forecasts", 1, 100000);
  opt.parse(argc, argv);
  if (so.quick) {
    if (!opt.given("train")) n_train = 500;
    if (!opt.given("test")) n_test = 100;
    if (!opt.given("steps")) steps = 2000;
  }
  const auto start = std::chrono::steady_clock::now();
  std::string out;
  Split train_d, test_d;
  double GM = 0, eps = 0;
  try {
    out = examples::prepare_output_dir(so.out);
    set_num_threads(so.threads);
    const datasets::Generator& g = datasets::gravitational_generator();
    datasets::Params p = datasets::default_params(g, false);
    p.set("train", n_train);
    p.set("test", n_test);
    p.set("seed", so.seed);
    if (observed + horizon > datasets::frame_count(p.integer("steps"), p.integer("every")))
      throw std::invalid_argument("--observed + --horizon exceed the " +
                                  std::to_string(datasets::frame_count(p.integer("steps"), p.integer("every"))) + " frames");
    if (p.integer("heavy_count") != 1) throw std::invalid_argument("expected one heavy mass");
    train_d = make_split(g, p, datasets::Split::Train);
    test_d = make_split(g, p, datasets::Split::Test);
    GM = p.real("G") * io::find(test_d.traj.others, "source_masses", "test").to_vector<double>()[0];
    eps = p.real("softening");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gravity_field: %s\n", e.what());
    return 2;
  }
  const auto seed = static_cast<std::uint64_t>(so.seed);
  std::printf("data: gravitational, %lld training and %lld test simulations, %lld observed + %lld forecast frames\n",
              static_cast<long long>(n_train), static_cast<long long>(n_test), static_cast<long long>(observed),
              static_cast<long long>(horizon));

  // Both models from the same pairwise initialisation, the same batches.
  const Sizes sizes{hidden, code, 64, 0.3};
  nn::ProgressLine progress(so.quiet);
  Philox rng_a(seed, 1), rng_b(seed, 1);
  GravityModel field_model(true, sizes, rng_a), plain_model(false, sizes, rng_b);
  const TrainSettings ts{steps, sims_per_step, frames_per_sim, observed, stride, lr, seed + 5};
  const std::vector<double> loss_field = train(field_model, train_d, ts, progress, 1);
  const std::vector<double> loss_plain = train(plain_model, train_d, ts, progress, 2);
  progress.finish();

  const std::vector<double> err_field = forecast_errors(&field_model, test_d, observed, horizon, substeps, stride);
  const std::vector<double> err_plain = forecast_errors(&plain_model, test_d, observed, horizon, substeps, stride);
  const std::vector<double> err_const = forecast_errors(nullptr, test_d, observed, horizon, substeps, stride);

  // Field recovery: 64 random points per test simulation at distance 0.3..2 from its heavy mass;
  // the cosine between the learned field and the heavy mass's true field.
  std::vector<double> cosines;
  {
    const index_t S = test_d.traj.sims, P = 64;
    std::vector<std::int64_t> sims(static_cast<std::size_t>(S));
    for (index_t s = 0; s < S; ++s) sims[std::size_t(s)] = s;
    Tensor<float> pts(Shape{S * P, kD});
    std::vector<double> truth(static_cast<std::size_t>(S * P * kD));
    Philox prng(seed, 9);
    for (index_t s = 0; s < S; ++s)
      for (index_t k = 0; k < P; ++k) {
        double dir[kD], norm = 0, p[kD];
        for (double& c : dir) c = prng.normal(), norm += c * c;
        const double r = prng.uniform(0.3, 2.0);
        for (index_t j = 0; j < kD; ++j) p[j] = test_d.heavy[std::size_t(s * kD + j)] + r * dir[j] / std::sqrt(norm);
        for (index_t j = 0; j < kD; ++j) pts(s * P + k, j) = float(p[j]);
        true_field(&test_d.heavy[std::size_t(s * kD)], p, GM, eps, &truth[std::size_t((s * P + k) * kD)]);
      }
    Tape<float> tape;
    NoGradGuard<float> no_grad(tape);
    const Context c = context_of(test_d, sims, observed, stride);
    const Var<float> E = field_model.field(tape, tape.constant(pts), rows_of(field_model.codes(tape, c.rows, c.graph, S), S, P));
    for (index_t q = 0; q < S * P; ++q) {
      double dot = 0, n1 = 0, n2 = 0;
      for (index_t j = 0; j < kD; ++j) {
        dot += E(q, j) * truth[std::size_t(q * kD + j)];
        n1 += E(q, j) * E(q, j);
        n2 += truth[std::size_t(q * kD + j)] * truth[std::size_t(q * kD + j)];
      }
      cosines.push_back(dot / std::sqrt(n1 * n2 + 1e-30));
    }
  }
  std::vector<double> sorted = cosines;
  std::sort(sorted.begin(), sorted.end());
  const double median_cos = sorted[sorted.size() / 2];
  const double seconds = examples::seconds_since(start);

  std::printf("\nforecast: mean L2 position error after each of the %lld frames (test)\n%-18s", static_cast<long long>(horizon), "model");
  for (std::int64_t k = 1; k <= horizon; ++k) std::printf(" %9s%lld", "step ", static_cast<long long>(k));
  std::printf(" %12s\n", "final loss");
  auto row = [&](const char* name, const std::vector<double>& e, double loss) {
    std::printf("%-18s", name);
    for (double v : e) std::printf(" %10.4f", v);
    if (loss >= 0) std::printf(" %12.4e", loss);
    std::printf("\n");
  };
  row("field (FiLM code)", err_field, loss_field.back());
  row("no field", err_plain, loss_plain.back());
  row("constant velocity", err_const, -1);
  std::printf("field recovery around the heavy mass (r in [0.3, 2], %zu points): median cosine %.3f\n", cosines.size(), median_cos);

  // The result the example exists to show: the field model forecasts clearly better than the same
  // model without the field, and its field points towards the hidden heavy mass.
  const std::vector<examples::Check> checks{
      {"field / no-field error at the last forecast step", err_field.back() / err_plain.back(), 0.8, examples::Check::AtMost},
      {"median cosine of learned and true field", median_cos, 0.5, examples::Check::AtLeast},
  };

  // Files.
  {
    io::MetricsLogger log(out + "training.csv", {"step", "field_loss", "no_field_loss"});
    for (std::size_t i = 0; i < loss_field.size(); ++i) log.log({double(i + 1), loss_field[i], loss_plain[i]});
    io::MetricsLogger f(out + "forecast.csv", {"step", "field", "no_field", "constant_velocity"});
    for (std::size_t k = 0; k < err_field.size(); ++k) f.log({double(k + 1), err_field[k], err_plain[k], err_const[k]});
  }
  io::svg::LinePlot lp, fp;
  lp.title = "training loss (weighted acceleration error)";
  lp.x_label = "step";
  lp.y_label = "loss";
  lp.log_y = true;
  fp.title = "forecast error after " + std::to_string(observed) + " observed frames";
  fp.x_label = "frames ahead";
  fp.y_label = "mean L2 position error";
  std::vector<double> steps_x, ks;
  for (std::size_t i = 0; i < loss_field.size(); ++i) steps_x.push_back(double(i + 1));
  for (std::size_t k = 0; k < err_field.size(); ++k) ks.push_back(double(k + 1));
  lp.series = {{.name = "field", .x = steps_x, .y = loss_field, .color = ""}, {.name = "no field", .x = steps_x, .y = loss_plain, .color = ""}};
  fp.series = {{.name = "field", .x = ks, .y = err_field, .color = ""},
               {.name = "no field", .x = ks, .y = err_plain, .color = ""},
               {.name = "constant velocity", .x = ks, .y = err_const, .color = ""}};
  io::svg::write_svg(out + "training.svg", {lp});
  io::svg::write_svg(out + "forecast.svg", {fp});

  // The field of test simulation 0 in the plane z = z_heavy, 2 around the mass: learned and true.
  {
    const index_t G = 17;
    const double* h = &test_d.heavy[0];
    Tensor<float> pts(Shape{G * G, kD});
    io::svg::QuiverPlot learned, truth;
    for (index_t i = 0; i < G; ++i) learned.x.push_back(h[0] - 2 + 4.0 * double(i) / double(G - 1));
    for (index_t j = 0; j < G; ++j) learned.y.push_back(h[1] - 2 + 4.0 * double(j) / double(G - 1));
    for (index_t j = 0; j < G; ++j)
      for (index_t i = 0; i < G; ++i) {
        const double p[kD] = {learned.x[std::size_t(i)], learned.y[std::size_t(j)], h[2]};
        double e[kD];
        true_field(h, p, GM, eps, e);
        truth.u.push_back(e[0]), truth.v.push_back(e[1]);
        for (index_t c = 0; c < kD; ++c) pts(j * G + i, c) = float(p[c]);
      }
    Tape<float> tape;
    NoGradGuard<float> no_grad(tape);
    const std::int64_t sim0[] = {0};
    const Context c = context_of(test_d, sim0, observed, stride);
    const Var<float> E = field_model.field(tape, tape.constant(pts), field_model.codes(tape, c.rows, c.graph, 1));
    for (index_t q = 0; q < G * G; ++q) learned.u.push_back(E(q, 0)), learned.v.push_back(E(q, 1));
    truth.x = learned.x;
    truth.y = learned.y;
    learned.title = "learned field (x, y), test simulation 0";
    truth.title = "true field of the heavy mass";
    for (auto* q : {&learned, &truth}) {
      q->x_label = "x";
      q->y_label = "y";
      q->unit_arrows = true;
      q->markers = {{.x = h[0], .y = h[1], .symbol = 'x', .color = "black"}};
    }
    io::svg::write_svg(out + "field.svg", {learned, truth}, 420, 400);
  }

  io::Json results = examples::results_header(opt, so.seed, seconds);
  auto arr = [](const std::vector<double>& v) {
    io::JsonArray a;
    for (double x : v) a.push_back(io::Json(x));
    return io::Json(std::move(a));
  };
  results.set("forecast_l2_error", io::Json::object({{"field", arr(err_field)}, {"no_field", arr(err_plain)}, {"constant_velocity", arr(err_const)}}));
  results.set("final_loss", io::Json::object({{"field", loss_field.back()}, {"no_field", loss_plain.back()}}));
  results.set("field_median_cosine", median_cos);
  results.set("checks", examples::checks_json(checks));
  io::write_json(out + "results.json", results);
  std::printf("%.1f s in all; wrote results.json, training.csv, forecast.csv, training.svg, forecast.svg, field.svg to %s\n",
              seconds, out.c_str());
  return examples::print_checks(checks, so.check);
}
