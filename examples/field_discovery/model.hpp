// The dynamics models of the field-discovery experiment: accelerations of charged particles from
// their positions, and a rollout of them on the tape.
//
//   Field     a_i = cap( u_i + q_i E(x_i) )     the model: interactions plus a learned field
//   NoField   a_i = cap( u_i )                  baseline 1: interactions only
//   Absolute  a_i = cap( MP(x, q)_i )           baseline 2: one network that sees absolute positions
//   Aether    (dx_i, dv_i) per frame             the paper's structure (below)
//   FieldSources  a_i = cap( u_i + q_i (E(x_i) + P(x_i)) )   Field plus learned point sources (below)
//
// u_i is the coordinate update of an EGNN layer (nn/graph/egnn_layer.hpp),
//   u_i = (1 / (n - 1)) sum_j (x_i - x_j) phi_x(m_ij),  m_ij = phi_e(q_i, q_j, |x_ij|^2, a_ij),
// with the edge attributes a_ij = [q_i q_j, 1 / (|x_ij| + delta), 1 / (|x_ij|^2 + delta^2)]: it
// depends on relative positions only, so it is E(n)-equivariant and blind to any fixed field.
// E(x) is a neural field of the ABSOLUTE position (Fourier features + MLP, nn/field): with unit
// masses, q_i E(x_i) is a force, so E is read in physical units (force per unit charge) with no
// refitting. The field's output layer starts at zero (no field until the data ask for one). cap() rescales an
// acceleration longer than `accel_cap` to that norm, as the data set's simulator does with forces (physics::capped). MP
// is a message-passing layer on node features [x_i, q_i] and edge features [x_i - x_j, a_ij]: it can represent the
// field, but has to learn interactions and field together, with no symmetry to help.
//
// Aether (Kofinas et al.'s structure, ../shared/reference/aether.md, 2D only): the neural field's
// value E(x_i) at each particle is an input feature of an interaction network that works in local
// frames: particle i's frame is centred on x_i and turned so that its velocity points along the
// first axis (u_i = v_i / sqrt(|v_i|^2 + 1e-6), as LoCS does). Node features [|v_i|, R_i^T E(x_i),
// q_i]; edge features, in the receiver's frame, [R_i^T (x_j - x_i), R_i^T v_j, q_i q_j, |x_ij|,
// 1 / (|x_ij| + delta), 1 / (|x_ij|^2 + delta^2)]; a message-passing network (nn/graph) maps them
// to local residuals (r_x, r_v), turned back by R_i, and one frame is
//   x' = x + dt_frame (v + R r_x),   v' = v + R r_v
// (the residual of the position on top of the constant-velocity step). The network sees no
// absolute position except through E, so interactions are equivariant and the field brings in
// the absolute position, as in the paper; E here is not in physical units (it is only a feature).
// Differences from the paper: one message-passing layer of our own, no LoCS velocity-encoder, a
// smaller field (the same as the Field model's), trained on our windows and loss.
//
// FieldSources: the Field model with S point sources of its own added to the neural field,
//   P(x) = sum_k c_k (x - s_k) / (|x - s_k|^2 + eps^2)^(3/2),
// positions s_k (S, d) and charges c_k (S, 1) trained with the rest (k folded into c_k). A smooth
// network follows a 1/r^2 core only far out: the published run's remaining step-1 error is the
// field within 0.3 of the sources (docs/experiments/field_discovery.md). The model starts from a
// trained Field model: the sources its field shows are placed as the s_k, c_k and its network is
// refit to the rest of the field (point_sources.hpp); then it trains through rollouts as usual.
//
// Rollouts: `substeps` semi-implicit Euler steps (kick-drift: v += h a(x); x += h v, the data
// set's simulator's order, rollout.hpp) per frame, on the tape, so that a loss on the frames
// trains the model through the integrator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nn/field/neural_field.hpp"
#include "nn/field/source_recovery.hpp"
#include "nn/graph/egnn_layer.hpp"
#include "nn/graph/message_passing.hpp"

namespace dg::field_discovery {

enum class ModelKind { Field, NoField, Absolute, Aether, FieldSources };
// "field", "no_field", "absolute", "aether", "field_sources"
const char* model_name(ModelKind kind);

struct ModelOptions {
  ModelKind kind = ModelKind::Field;
  index_t dim = 2;                   // d
  index_t hidden = 64;               // width of the interaction networks
  index_t absolute_hidden = 128;     // width of the Absolute baseline's networks
  index_t fourier_features = 64;     // of the field
  double fourier_sigma = 0.3;        // cycles per unit length
  index_t field_width = 128;
  index_t field_layers = 3;
  double delta = 0.1;                // softening of the inverse-distance edge attributes
  double accel_cap = 100;            // the data set's force cap (unit masses)
  index_t point_sources = 0;         // FieldSources: S (>= 1)
  double source_softening = 0.01;    // FieldSources: eps of P(x)
};

class DynamicsModel : public nn::Module<float> {
 public:
  DynamicsModel(const ModelOptions& options, Philox& rng);

  // q (M, d) positions of B systems of n particles (g: B fully connected graphs); charges (M, 1);
  // charge_products (E, 1) q_i q_j per edge (see edge_charge_products) -> (M, d) accelerations.
  Var<float> acceleration(Tape<float>& tape, const nn::GraphBatch& g, Var<float> q, Var<float> charges,
                          Var<float> charge_products);
  // Field and NoField: the interaction network's part of the acceleration alone, u_i (M, d), uncapped.
  Var<float> interactions(Tape<float>& tape, const nn::GraphBatch& g, Var<float> q, Var<float> charges,
                          Var<float> charge_products);
  // Aether only: one frame of length frame_dt, (q, v) (M, d) -> the next frame's, in place.
  void frame_update(Tape<float>& tape, const nn::GraphBatch& g, Var<float>& q, Var<float>& v, Var<float> charges,
                    double frame_dt);
  // The learned field at points (P, d) -> (P, d): E(x) (Field, Aether), E(x) + P(x) (FieldSources).
  Var<float> field(Tape<float>& tape, Var<float> points);
  // FieldSources: P(x) alone at points (P, d) -> (P, d).
  Var<float> point_source_field(Tape<float>& tape, Var<float> points);
  // FieldSources: the point sources as they are now, and setting them (as many as point_sources).
  std::vector<nn::PointSource> point_sources() const;
  void set_point_sources(const std::vector<nn::PointSource>& sources);

  const ModelOptions& options() const { return options_; }
  std::string describe() const override;

  std::unique_ptr<nn::EGNNLayer<float>> interaction;   // Field, NoField
  std::unique_ptr<nn::NeuralField<float>> external;    // Field, Aether
  std::unique_ptr<nn::MessagePassing<float>> absolute; // Absolute
  std::unique_ptr<nn::MessagePassing<float>> local;    // Aether: the interaction network in local frames
  Parameter<float> source_positions;                   // FieldSources: (S, d) s_k
  Parameter<float> source_charges;                     // FieldSources: (S, 1) c_k

 private:
  // (E, 3) a_ij from the edge differences (E, d).
  Var<float> edge_attributes(Var<float> diff, Var<float> charge_products) const;
  ModelOptions options_;
};

// (E, 1) q_i q_j for every edge of g; charges (M, 1).
Var<float> edge_charge_products(const nn::GraphBatch& g, Var<float> charges);

// Rolls (q0, v0) forward `frames` frames of `substeps` steps of length frame_dt / substeps (Aether:
// one update per frame) and calls on_frame(k, q, v) with the positions and velocities (M, d) after
// frame k = 0 .. frames - 1 (rollout.hpp: the data's kick-drift order).
template <class OnFrame>
void rollout(Tape<float>& tape, DynamicsModel& model, const nn::GraphBatch& g, Var<float> q0, Var<float> v0,
             Var<float> charges, double frame_dt, int substeps, int frames, OnFrame&& on_frame);

}  // namespace dg::field_discovery

#include "examples/field_discovery/rollout.hpp"
