// The three models of the egnn_nbody experiment (Satorras et al. 2021):
//
//   egnn    4 EGNN velocity layers, 64 features, SiLU; node input |v|, edge attributes
//           [q_i q_j, |x_i - x_j|^2]; the last layer's positions are the prediction (EGNN_vel);
//   gnn     the plain message-passing network of the paper: node input [x, v] (6), edge
//           attribute q_i q_j, embedding, 4 residual message-passing rounds of 64 features,
//           decoder 64 -> 64 -> 3 read as the predicted position (not equivariant);
//   linear  x + t v with the one parameter t fitted on the training set (least squares).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "examples/egnn_nbody/data.hpp"
#include "nn/graph/egnn.hpp"
#include "nn/graph/message_passing.hpp"

namespace dg::egnn_nbody {

// A model maps a batch (positions, velocities, charges at the input frame) to predicted positions.
class Model {
 public:
  virtual ~Model() = default;
  virtual Var<float> predict(Tape<float>& tape, const Batch& b) = 0;
  virtual std::vector<nn::NamedParameter<float>> parameters() const = 0;
  virtual std::string describe() const = 0;
  virtual nn::Module<float>& module() = 0;  // the network, for the trainer (and checkpoints)
};

class EGNNModel final : public Model {
 public:
  EGNNModel(index_t hidden, index_t layers, Philox& rng);
  Var<float> predict(Tape<float>& tape, const Batch& b) override;
  std::vector<nn::NamedParameter<float>> parameters() const override { return net_.parameters(); }
  std::string describe() const override { return net_.describe(); }
  nn::Module<float>& module() override { return net_; }

 private:
  nn::EGNN<float> net_;
};

// The GNN of the paper (its code's GNN with recurrent layers): embedding of [x, v], message
// passing with the edge attribute q_i q_j, decoder to the position.
class GNNModel final : public Model, public nn::Module<float> {
 public:
  GNNModel(index_t hidden, index_t layers, Philox& rng);
  Var<float> predict(Tape<float>& tape, const Batch& b) override;
  std::vector<nn::NamedParameter<float>> parameters() const override { return nn::Module<float>::parameters(); }
  std::string describe() const override;
  nn::Module<float>& module() override { return *this; }

 private:
  nn::Linear<float> embedding_;
  nn::ModuleList<nn::MessagePassing<float>> layers_;
  nn::MLP<float> decoder_;
};

// The linear baseline x(frame a) + t v(frame a), t minimising the squared error on `fit`;
// returns {t, MSE on `test`}.
std::pair<double, double> linear_baseline(const datasets::Trajectories& fit, const datasets::Trajectories& test,
                                          std::int64_t a, std::int64_t b);

}  // namespace dg::egnn_nbody
