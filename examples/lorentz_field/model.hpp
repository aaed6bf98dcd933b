// The dynamics models of the lorentz_field experiment: accelerations of charged particles from
// their positions AND velocities, and a rollout of them on the tape.
//
//   Field     a_i = clip( u_i + q_i v_i x B(x_i) )   the model: interactions plus a learned
//                                                    magnetic field of the absolute position
//   NoField   a_i = clip( u_i )                      the baseline: interactions only
//
// u_i is the coordinate update of an EGNN layer (nn/graph/egnn_layer.hpp), as in field discovery:
//   u_i = (1 / (n - 1)) sum_j (x_i - x_j) phi_x(m_ij),  m_ij = phi_e(q_i, q_j, |x_ij|^2, a_ij),
// a_ij = [q_i q_j, 1 / (|x_ij| + delta), 1 / (|x_ij|^2 + delta^2)]: relative positions only, so
// E(3)-equivariant and blind to any external field. B(x) is a neural field of the absolute
// position (Fourier features + MLP, nn/field), 3 -> 3, its output layer initialised at zero (no
// field until the data ask for one); with unit masses q v x B is a force, so B is read in the
// data's units, with no refitting, and compared with the true B = (0.5, 0.5, 0.5). The force
// term's structure (a charge times v x B) is given; what B is, and that it is uniform, is learned.
// clip() bounds each component to +-force_cap, as the simulator clips its forces.
//
// Rollouts: `substeps` kick-drift semi-implicit Euler steps per frame (v += h a(x, v); x += h v,
// the simulator's order: a frame holds the position after a drift and the velocity that drift
// used), on the tape, so that a loss on the frames trains the model through the integrator.
#pragma once

#include <memory>
#include <string>

#include "integrators/deterministic.hpp"
#include "integrators/rollout.hpp"
#include "nn/field/neural_field.hpp"
#include "nn/graph/egnn_layer.hpp"

namespace dg::lorentz_field {

enum class ModelKind { Field, NoField };
const char* model_name(ModelKind kind);  // "field", "no_field"

struct ModelOptions {
  ModelKind kind = ModelKind::Field;
  index_t hidden = 64;            // width of the interaction network
  index_t fourier_features = 32;  // of the field
  double fourier_sigma = 0.1;     // cycles per unit length
  index_t field_width = 64;
  index_t field_layers = 2;
  double delta = 0.1;      // softening of the inverse-distance edge attributes
  double force_cap = 100;  // the data set's per-component force clip (unit masses)
};

class LorentzModel : public nn::Module<float> {
 public:
  LorentzModel(const ModelOptions& options, Philox& rng);

  // x, v (M, 3) positions and velocities of B systems (g: B fully connected graphs); charges
  // (M, 1); charge_products (E, 1) q_i q_j per edge -> (M, 3) accelerations.
  Var<float> acceleration(Tape<float>& tape, const nn::GraphBatch& g, Var<float> x, Var<float> v, Var<float> charges,
                          Var<float> charge_products);
  // The learned magnetic field B(x) at points (P, 3) -> (P, 3); Field models only.
  Var<float> field(Tape<float>& tape, Var<float> points);

  const ModelOptions& options() const { return options_; }
  std::string describe() const override;

  std::unique_ptr<nn::EGNNLayer<float>> interaction;
  std::unique_ptr<nn::NeuralField<float>> magnetic;  // Field

 private:
  ModelOptions options_;
};

// (E, 1) q_i q_j for every edge of g; charges (M, 1).
Var<float> edge_charge_products(const nn::GraphBatch& g, Var<float> charges);

// Row-wise cross product a x b of (R, 3) arrays.
Var<float> cross_rows(Var<float> a, Var<float> b);

// Rolls (x0, v0) forward `frames` frames of `substeps` kick-drift steps of length frame_dt /
// substeps and calls on_frame(k, x, v) with the positions and velocities (M, 3) after frame
// k = 0 .. frames - 1.
template <class OnFrame>
void rollout(Tape<float>& tape, LorentzModel& model, const nn::GraphBatch& g, Var<float> x0, Var<float> v0,
             Var<float> charges, Var<float> charge_products, double frame_dt, int substeps, int frames,
             OnFrame&& on_frame) {
  using namespace integrators;
  const SymplecticEuler scheme{.dt = frame_dt / substeps, .order = EulerOrder::KickDrift};
  auto force = [&](const Var<float>& x, const Var<float>& v, double, Var<float>& a) {
    a = model.acceleration(tape, g, x, v, charges, charge_products);
  };
  State<Var<float>> s;
  s.q = x0;
  s.v = v0;
  Workspace<Var<float>> ws;
  init(scheme, s, force, ws);  // kick-drift starts with the force at (x0, v0)
  for (int k = 0; k < frames; ++k) {
    run(scheme, s, force, OpenBoundary{}, ws, substeps);
    on_frame(k, s.q, s.v);
  }
}

}  // namespace dg::lorentz_field
