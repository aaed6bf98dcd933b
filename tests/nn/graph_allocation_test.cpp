// Graph and field layers allocate nothing in steady state: global operator new calls and the
// arena's device allocations are counted over steps 2 to 6 of a training loop with an EGNN
// (n-body inputs, velocity layers with every option on), a FiLM-conditioned Fourier field and a
// SIREN field of the positions, a message-passing layer, and Adam. This executable replaces the
// global operator new, so it is its own test program.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include "autodiff/storage.hpp"
#include "nn/adam.hpp"
#include "nn/field/neural_field.hpp"
#include "nn/graph/egnn.hpp"
#include "nn/graph/message_passing.hpp"
#include "tests/nn/graph_test_helpers.hpp"

#include "tests/common/count_new.hpp"

using namespace dg;
using namespace dg::nn;

TEST_CASE("steps 2 to 6 of an EGNN + neural field training loop allocate nothing") {
  const index_t B = 20, M = 5, N = B * M;
  GraphBatch g;
  const Tensor<float> x = test::uniform_tensor<float>(Shape{N, 3}, 1), v = test::uniform_tensor<float>(Shape{N, 3}, 2);
  const Tensor<float> q = test::uniform_tensor<float>(Shape{N, 1}, 3), code = test::uniform_tensor<float>(Shape{1, 4}, 4);
  Philox rng(1);
  EGNN<float> egnn({.in_features = 1, .edge_features = 2, .hidden = 16, .num_layers = 2,
                    .layer = {.velocity = true, .coordinate_scale = CoordinateScale::GraphSize, .tanh = true,
                              .normalize = true, .attention = true}},
                   rng);
  NeuralField<float> fourier({.in_dim = 3, .out_dim = 3, .fourier_features = 16, .hidden = {16, 16}, .code_dim = 4}, rng);
  NeuralField<float> siren({.in_dim = 3, .out_dim = 3, .encoding = FieldEncoding::Siren, .hidden = {16}}, rng);
  MessagePassing<float> mp(16, rng, {.hidden = 16, .aggregation = Aggregation::Mean});
  std::vector<NamedParameter<float>> params = egnn.parameters();
  const std::pair<const char*, Module<float>*> others[] = {{"fourier", &fourier}, {"siren", &siren}, {"mp", &mp}};
  for (const auto& [prefix, m] : others)
    for (const NamedParameter<float>& p : m->parameters()) params.push_back({std::string(prefix) + "." + p.name, p.param});
  Adam<float> adam(params, {.lr = 1e-3});
  Tape<float> tape;

  long news_before = 0;
  std::size_t device_before = 0;
  float loss_value = 0;
  for (int step = 1; step <= 6; ++step) {
    if (step == 2) news_before = dg::test::new_calls(), device_before = device_allocation_count();
    fully_connected(B, M, g);  // rebuilt in place every step, as a data loader would
    tape.reset();
    Var<float> vx = tape.constant(x), vv = tape.constant(v), vq = tape.constant(q);
    NBodyInputs<float> in = nbody_inputs(g, vx, vv, vq);
    EGNNOutput<float> out = egnn.forward(tape, g, in.h, vx, vv, in.edge_attributes);
    Var<float> pred = out.x + vq * (fourier.forward(tape, vx, {}, tape.constant(code)) + siren.forward(tape, vx));
    Var<float> loss = mean(square(pred - vx)) + mean(square(mp.forward(tape, g, out.h)));
    adam.zero_grad();
    tape.backward(loss);
    adam.step();
    loss_value = loss.item();
  }
  CHECK(dg::test::new_calls() - news_before == 0);
  CHECK(device_allocation_count() - device_before == 0);
  CHECK(std::isfinite(loss_value));
}
