// The C interface (capi/dynagrad.h) against the C++ model it wraps: a rollout through dg_* gives
// the bits of field_discovery::rollout on the same checkpoint, the field those of
// DynamicsModel::field; the sizes are read back from the checkpoint's arrays; every bad input and
// bad file ends in its error code and a message naming the function, with no exception escaping.
// The checkpoints come from make_checkpoints (tests/capi/meson.build), passed as DG_CAPI_DIR.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "capi/dynagrad.h"
#include "examples/field_discovery/model.hpp"
#include "io/npy.hpp"
#include "nn/checkpoint.hpp"
#include "nn/graph/graph_batch.hpp"

using namespace dg;
using namespace dg::field_discovery;

namespace {

const std::string dir = DG_CAPI_DIR;

// 5 particles: positions (5, 2), velocities (5, 2), charges (5).
const std::vector<double> q0 = {1.0, 0.0, 0.3, 0.95, -0.8, 0.6, -0.8, -0.6, 0.3, -0.95};
const std::vector<double> v0 = {0.0, 0.1, -0.1, 0.03, -0.06, -0.08, 0.06, -0.08, 0.1, 0.03};
const std::vector<double> c0 = {1, -1, 1, -1, 1};

bool message_names(const char* function) { return std::string(dg_last_error()).rfind(function, 0) == 0; }

}  // namespace

TEST_CASE("a rollout through the C interface gives the bits of the C++ rollout; the field those of the model") {
  const std::string path = dir + "/field.npz";
  dg_model* model = nullptr;
  REQUIRE(dg_model_load(path.c_str(), 0, &model) == DG_OK);
  REQUIRE(model != nullptr);
  CHECK(dg_model_dim(model) == 2);
  CHECK(dg_model_has_field(model) == 1);

  // The same model in C++, its sizes given (they are those of make_checkpoints.cpp).
  Philox rng(5, 5);
  DynamicsModel net(
      {.kind = ModelKind::Field, .hidden = 16, .fourier_features = 8, .field_width = 24, .field_layers = 2}, rng);
  nn::load_checkpoint(path, net);
  CHECK(dg_model_parameters(model) == static_cast<size_t>(net.parameter_numel()));

  dg_rollout* r = nullptr;
  REQUIRE(dg_rollout_create(model, 5, q0.data(), v0.data(), c0.data(), 0.1, 4, &r) == DG_OK);
  CHECK(dg_rollout_particles(r) == 5);
  const int frames = 6;
  for (int k = 0; k < frames; ++k) REQUIRE(dg_rollout_step(r) == DG_OK);
  CHECK(dg_rollout_frame(r) == frames);
  std::vector<double> q(10), v(10);
  REQUIRE(dg_rollout_positions(r, q.data()) == DG_OK);
  REQUIRE(dg_rollout_velocities(r, v.data()) == DG_OK);

  // C++: all frames on one tape (the experiment's forecast), float32 state.
  Tape<float> tape;
  NoGradGuard<float> no_grad(tape);
  Tensor<float> tq(Shape{5, 2}), tv(Shape{5, 2}), tc(Shape{5, 1});
  for (int k = 0; k < 10; ++k) tq[k] = static_cast<float>(q0[k]), tv[k] = static_cast<float>(v0[k]);
  for (int k = 0; k < 5; ++k) tc[k] = static_cast<float>(c0[k]);
  std::vector<double> eq(10), ev(10);
  rollout(tape, net, nn::fully_connected(1, 5), tape.constant(tq), tape.constant(tv), tape.constant(tc), 0.1, 4, frames,
          [&](int, const Var<float>& qn, const Var<float>& vn) {
            for (int k = 0; k < 10; ++k) eq[k] = qn.data()[k], ev[k] = vn.data()[k];
          });
  double moved = 0;
  for (int k = 0; k < 10; ++k) {
    CHECK(q[k] == eq[k]);
    CHECK(v[k] == ev[k]);
    moved += std::fabs(q[k] - q0[k]);
  }
  CHECK(moved > 0.01);

  // The field at three points against DynamicsModel::field.
  const std::vector<double> points = {0.0, 0.0, 0.5, -1.5, 2.0, 1.0};
  std::vector<double> E(6);
  REQUIRE(dg_rollout_field(r, points.data(), 3, E.data()) == DG_OK);
  Tensor<float> tp(Shape{3, 2});
  for (int k = 0; k < 6; ++k) tp[k] = static_cast<float>(points[k]);
  tape.reset();
  const Var<float> expected = net.field(tape, tape.constant(tp));
  double norm = 0;
  for (int k = 0; k < 6; ++k) {
    CHECK(E[k] == static_cast<double>(expected.data()[k]));
    norm += std::fabs(E[k]);
  }
  CHECK(norm > 0);

  // A reset starts over: the same frames again give the same positions.
  REQUIRE(dg_rollout_reset(r, q0.data(), v0.data()) == DG_OK);
  CHECK(dg_rollout_frame(r) == 0);
  for (int k = 0; k < frames; ++k) REQUIRE(dg_rollout_step(r) == DG_OK);
  std::vector<double> again(10);
  dg_rollout_positions(r, again.data());
  CHECK(again == q);
  dg_rollout_free(r);
  dg_model_free(model);
}

TEST_CASE("a no_field checkpoint rolls out and has no field") {
  dg_model* model = nullptr;
  REQUIRE(dg_model_load((dir + "/no_field.npz").c_str(), 50, &model) == DG_OK);
  CHECK(dg_model_has_field(model) == 0);
  dg_rollout* r = nullptr;
  REQUIRE(dg_rollout_create(model, 5, q0.data(), v0.data(), c0.data(), 0.1, 2, &r) == DG_OK);
  CHECK(dg_rollout_step(r) == DG_OK);
  double point[2] = {0, 0}, E[2];
  CHECK(dg_rollout_field(r, point, 1, E) == DG_ERROR_ARGUMENT);
  CHECK(message_names("dg_rollout_field"));
  CHECK(std::string(dg_last_error()).find("no learned field") != std::string::npos);
  dg_rollout_free(r);
  dg_model_free(model);
}

TEST_CASE("bad files end in DG_ERROR_FILE or DG_ERROR_CHECKPOINT with a message naming the file") {
  dg_model* model = reinterpret_cast<dg_model*>(&model);  // must be set to NULL on failure
  const std::string missing = dir + "/no_such_checkpoint.npz";
  CHECK(dg_model_load(missing.c_str(), 0, &model) == DG_ERROR_FILE);
  CHECK(model == nullptr);
  CHECK(message_names("dg_model_load"));
  CHECK(std::string(dg_last_error()).find("no_such_checkpoint.npz") != std::string::npos);

  // Truncated: the first half of a good checkpoint.
  std::ifstream in(dir + "/field.npz", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string truncated = dir + "/truncated.npz";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  CHECK(dg_model_load(truncated.c_str(), 0, &model) == DG_ERROR_FILE);
  CHECK(model == nullptr);
  CHECK(std::string(dg_last_error()).find("truncated.npz") != std::string::npos);
  std::remove(truncated.c_str());

  CHECK(dg_model_load((dir + "/absolute.npz").c_str(), 0, &model) == DG_ERROR_CHECKPOINT);
  CHECK(std::string(dg_last_error()).find("absolute") != std::string::npos);

  // An npz whose interaction network has the wrong shape: load_checkpoint's check, all or nothing.
  const std::string odd = dir + "/odd.npz";
  io::NamedArrays arrays = io::read_npz(dir + "/field.npz");
  for (auto& [name, array] : arrays)
    if (name == "interaction.phi_x.1.weight") array = io::Array(io::DType::Float32, {16, 3});
  io::write_npz(odd, arrays);
  CHECK(dg_model_load(odd.c_str(), 0, &model) == DG_ERROR_CHECKPOINT);
  CHECK(std::string(dg_last_error()).find("interaction.phi_x.1.weight") != std::string::npos);
  std::remove(odd.c_str());
}

TEST_CASE("bad arguments end in DG_ERROR_ARGUMENT, naming the function; NULL handles are allowed where documented") {
  dg_model* model = nullptr;
  CHECK(dg_model_load(nullptr, 0, &model) == DG_ERROR_ARGUMENT);
  CHECK(dg_model_load((dir + "/field.npz").c_str(), 0, nullptr) == DG_ERROR_ARGUMENT);
  CHECK(dg_model_load((dir + "/field.npz").c_str(), std::nan(""), &model) == DG_ERROR_ARGUMENT);
  CHECK(dg_set_threads(0) == DG_ERROR_ARGUMENT);
  REQUIRE(dg_model_load((dir + "/field.npz").c_str(), 0, &model) == DG_OK);
  dg_rollout* r = nullptr;
  CHECK(dg_rollout_create(model, 1, q0.data(), v0.data(), c0.data(), 0.1, 2, &r) == DG_ERROR_ARGUMENT);
  CHECK(message_names("dg_rollout_create"));
  CHECK(dg_rollout_create(model, 5, q0.data(), v0.data(), c0.data(), 0.0, 2, &r) == DG_ERROR_ARGUMENT);
  CHECK(dg_rollout_create(model, 5, q0.data(), v0.data(), c0.data(), 0.1, 0, &r) == DG_ERROR_ARGUMENT);
  CHECK(dg_rollout_create(model, 5, nullptr, v0.data(), c0.data(), 0.1, 2, &r) == DG_ERROR_ARGUMENT);
  std::vector<double> nan_q = q0;
  nan_q[3] = std::numeric_limits<double>::quiet_NaN();
  CHECK(dg_rollout_create(model, 5, nan_q.data(), v0.data(), c0.data(), 0.1, 2, &r) == DG_ERROR_ARGUMENT);
  CHECK(std::string(dg_last_error()).find("finite") != std::string::npos);
  CHECK(r == nullptr);
  CHECK(dg_rollout_step(nullptr) == DG_ERROR_ARGUMENT);
  CHECK(dg_rollout_positions(nullptr, nullptr) == DG_ERROR_ARGUMENT);
  REQUIRE(dg_rollout_create(model, 5, q0.data(), v0.data(), c0.data(), 0.1, 2, &r) == DG_OK);
  CHECK(dg_rollout_reset(r, nan_q.data(), v0.data()) == DG_ERROR_ARGUMENT);
  std::vector<double> q(10);
  dg_rollout_positions(r, q.data());
  CHECK(q[0] == 1.0);  // the state did not change
  CHECK(dg_rollout_field(r, nan_q.data(), 5, q.data()) == DG_ERROR_ARGUMENT);
  CHECK(std::string(dg_status_name(DG_ERROR_NONFINITE)) == "DG_ERROR_NONFINITE");
  CHECK(std::string(dg_status_name(static_cast<dg_status>(99))) == "unknown status");
  dg_rollout_free(r);
  dg_rollout_free(nullptr);
  dg_model_free(model);
  dg_model_free(nullptr);
}

TEST_CASE("a rollout that reaches Inf ends in DG_ERROR_NONFINITE and keeps its last finite state") {
  dg_model* model = nullptr;
  REQUIRE(dg_model_load((dir + "/field.npz").c_str(), 0, &model) == DG_OK);
  // Velocities of 3e38 over a step of 100 overflow float32 in the first drift: positions reach Inf.
  const std::vector<double> huge(10, 3e38);
  dg_rollout* r = nullptr;
  REQUIRE(dg_rollout_create(model, 5, q0.data(), huge.data(), c0.data(), 100.0, 1, &r) == DG_OK);
  const dg_status status = dg_rollout_step(r);
  CHECK(status == DG_ERROR_NONFINITE);
  CHECK(message_names("dg_rollout_step"));
  CHECK(dg_rollout_frame(r) == 0);
  std::vector<double> q(10);
  dg_rollout_positions(r, q.data());
  CHECK(q[0] == 1.0);
  dg_rollout_free(r);
  dg_model_free(model);
}
