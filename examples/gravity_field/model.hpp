// The models of the gravity_field experiment: accelerations of unit masses from their positions,
// and a rollout of them on the tape.
//
//   DynamicField  a_i = cap( u_i + E(x_i | z_s) )   interactions plus a field conditioned on the code
//                                                    z_s of simulation s (the model)
//   StaticField   a_i = cap( u_i + E(x_i) )         baseline: one field for every simulation
//   NoField       a_i = cap( u_i )                  baseline: interactions only
//
// u_i is the coordinate update of an EGNN layer (nn/graph/egnn_layer.hpp, as in field_discovery),
//   u_i = (1 / (n - 1)) sum_j (x_i - x_j) phi_x(m_ij),  m_ij = phi_e(1, 1, |x_ij|^2, a_ij),
// a_ij = [1 / (|x_ij| + delta), 1 / (|x_ij|^2 + delta^2)] (generic inverse-distance features, not the
// Plummer law): it depends on relative positions only, so it is E(n)-equivariant and blind to the
// hidden mass. E is a neural field of the ABSOLUTE position (nn/field/neural_field.hpp): an MLP of
// x itself (no Fourier features), every hidden layer modulated by FiLM with z_s. FiLM's shift on the
// first layer, gamma (x W + b) + beta, can move the field's pattern anywhere (beta = -gamma h W
// centres it on h), which Fourier features could only do by phase rotations FiLM cannot make. The
// field's output layer starts at zero. With unit masses E is an acceleration: the hidden mass's
// field in physical units. cap() rescales an acceleration longer than accel_cap (1000, far above
// any in the data: a guard for rollouts, physics::capped).
//
// The code z_s (set encoder with attention pooling, as Aether's graph summary pools its frames):
// every `stride`-th observed frame t < observed - 1 gives one row per particle,
//   r = [x_t, a_hat log(1 + |a|), a_hat, 1 / sqrt(|a| + 0.1)],   a = (v_{t+1} - v_t) / dt_frame
// (the observed velocity change: where the particle was pulled, and how hard), then
//   f_r = phi(r) (MLP, H),  w_r = exp(3 tanh(score(f_r))),  z_s = rho( sum_r w_r f_r / sum_r w_r ),
// rho an MLP to Z. Rows only from the observed frames, so forecasts never see the future.
//
// With `anchor` (--anchor), the field gains a radial term about a point c_s the encoder votes for:
// each row votes p_r = x_t + a_hat * reach(f_r) (where its pull points, at a learned distance),
// and c_s = sum_r w'_r p_r / sum_r w'_r with its own attention weights w'_r = exp(3 tanh(score'(f_r))).
// The code becomes [z_s, c_s] (Z + d; FiLM reads both), and
//   E(x | z_s, c_s) = MLP field + (c_s - x) phi(1 / (|c_s - x| + delta), 1 / (|c_s - x|^2 + delta^2))
// with phi an MLP on the interactions' generic inverse-distance features (its output starts at 0).
// A source-shaped inductive bias: one sharp radial field about a learned point, which the plain
// MLP field can only approximate smoothly; c_s is learned only through the forecasts' loss.
// With `radial_core` (--radial-core) phi also reads delta / (|c_s - x|^2 + delta^2)^(3/2), a
// feature that grows toward the anchor as fast as a softened point source's pull divided by the
// distance: phi's SiLU layers grow at most linearly in their inputs, so with the two features
// above alone phi stays low inside delta of the anchor (docs/experiments/gravity_field.md).
//
// Rollouts: `substeps` velocity-Verlet (kick-drift-kick leapfrog, the data's integrator) steps per
// frame, on the tape, so a loss on the frames trains every part through the integrator.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "examples/gravity_field/data.hpp"
#include "nn/field/neural_field.hpp"
#include "nn/graph/egnn_layer.hpp"

namespace dg::gravity_field {

enum class ModelKind { DynamicField, StaticField, NoField };
const char* model_name(ModelKind kind);  // "dynamic_field", "static_field", "no_field"

struct ModelOptions {
  ModelKind kind = ModelKind::DynamicField;
  index_t hidden = 64;        // width of the interaction network
  index_t field_width = 128;  // of the field MLP
  index_t field_layers = 3;
  index_t code = 16;           // Z
  index_t encoder_width = 64;  // H of the set encoder
  double delta = 0.1;          // softening of the inverse-distance edge attributes
  double accel_cap = 1000;
  bool anchor = false;       // DynamicField: add the radial term about the voted anchor (below)
  bool radial_core = false;  // with anchor: phi also reads the inverse-cube feature (below)
};

constexpr index_t kContextFeatures = 10;  // the encoder's row r

class GravityModel : public nn::Module<float> {
 public:
  GravityModel(const ModelOptions& options, Philox& rng);

  bool has_field() const { return external != nullptr; }
  bool has_code() const { return encoder_phi != nullptr; }

  // Codes (B, Z) from context rows (C, kContextFeatures), row r belonging to simulation graph[r] < B.
  Var<float> codes(Tape<float>& tape, const Tensor<float>& context, std::span<const std::int32_t> graph, index_t B);
  // Accelerations (M, d) at x (M, d) of the fully connected graphs g; code_rows (M, Z) (DynamicField).
  Var<float> acceleration(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x, Var<float> code_rows);
  // The interactions' part u_i of the acceleration alone (M, d), uncapped.
  Var<float> interactions(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x);
  // The field E(x | code) at x (P, d); code (P, Z) or (1, Z) for DynamicField, empty otherwise.
  Var<float> field(Tape<float>& tape, Var<float> x, Var<float> code = {});

  const ModelOptions& options() const { return options_; }
  std::string describe() const override;

  std::unique_ptr<nn::EGNNLayer<float>> interaction;
  std::unique_ptr<nn::NeuralField<float>> external;          // Static, Dynamic
  std::unique_ptr<nn::MLP<float>> encoder_phi, encoder_rho;  // Dynamic
  std::unique_ptr<nn::Linear<float>> encoder_score;          // Dynamic
  std::unique_ptr<nn::Linear<float>> anchor_score, anchor_reach;  // Dynamic with anchor
  std::unique_ptr<nn::MLP<float>> radial;                         // Dynamic with anchor: phi

 private:
  ModelOptions options_;
};

// The encoder's rows of simulations `sims` of t: every `stride`-th observed frame, all particles.
struct Context {
  Tensor<float> rows;               // (C, kContextFeatures)
  std::vector<std::int32_t> graph;  // (C) index into sims of each row
};
Context context_of(const datasets::Trajectories& t, std::span<const std::int64_t> sims, std::int64_t observed,
                   std::int64_t stride);

// The encoder's codes (count, Z) of simulations first .. first + count - 1 of t, read from every
// `stride`-th observed frame. One call per batch: the encoder's rounding depends on the batch.
Var<float> encoder_codes(Tape<float>& tape, GravityModel& model, const datasets::Trajectories& t, std::int64_t first,
                         std::int64_t count, std::int64_t observed, std::int64_t stride);

// Per-particle code rows (B * n, Z) from codes (B, Z): row b * n + i is codes[b].
Var<float> code_rows(Var<float> codes, index_t B, index_t n);

// The same integration with any accelerations (M, d) of x (M, d) (forecasts with true parts).
template <class Acceleration, class OnFrame>
void integrate(Acceleration&& acceleration, Var<float> x0, Var<float> v0, double frame_dt, int substeps, int frames,
               OnFrame&& on_frame);

// Rolls (x0, v0) forward `frames` frames of `substeps` velocity-Verlet steps of frame_dt / substeps
// and calls on_frame(k, x, v) with the state (M, d) after frame k = 0 .. frames - 1.
template <class OnFrame>
void rollout(Tape<float>& tape, GravityModel& model, const nn::GraphBatch& g, Var<float> x0, Var<float> v0,
             Var<float> codes_per_particle, double frame_dt, int substeps, int frames, OnFrame&& on_frame);

}  // namespace dg::gravity_field

#include "examples/gravity_field/rollout.hpp"
