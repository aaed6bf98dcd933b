// ShardedGradient and StepTrainer's shards: the gradient of S shards is the gradient of the whole
// batch (up to rounding; bit for bit with S = 1); the same bits with 1 and 2 threads at the same
// S, for the gradient and for a whole training run (parameters, checkpoint and metrics files,
// byte for byte); parameters a shard does not train are constants; a shard's error is rethrown.
#include <doctest/doctest.h>

#include <unistd.h>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "distributed/sharded_gradient.hpp"
#include "nn/adam.hpp"
#include "nn/step_trainer.hpp"
#include "tests/distributed/sharded_problem.hpp"

using namespace dg;
namespace fs = std::filesystem;

namespace {

std::vector<Parameter<float>*> params_of(nn::MLP<float>& net) {
  std::vector<Parameter<float>*> out;
  for (const auto& p : net.parameters()) out.push_back(p.param);
  return out;
}

std::vector<float> grads_of(nn::MLP<float>& net) {
  std::vector<float> out;
  for (const auto& p : net.parameters())
    out.insert(out.end(), p.param->grad.data(), p.param->grad.data() + p.param->grad.numel());
  return out;
}

// The gradient of step `step`'s batch on one tape (the old path), and its loss.
std::vector<float> full_batch_grad(const test::ShardedProblem& pb, nn::MLP<float>& net, std::int64_t step,
                                   float& loss) {
  Tape<float> tape;
  net.zero_grad();
  const Var<float> l = pb.part_loss(tape, net, step, 0, pb.kBatch);
  tape.backward(l);
  loss = l.item();
  return grads_of(net);
}

std::vector<float> sharded_grad(const test::ShardedProblem& pb, nn::MLP<float>& net, std::int64_t step,
                                std::int64_t shards, int threads, double& loss) {
  const int saved = num_threads();
  set_num_threads(threads);
  distributed::LocalCommunicator local;
  distributed::ShardedGradient<float> sg(params_of(net), shards, local);
  loss = sg.run([&](Tape<float>& t, std::int64_t s) { return pb.shard_loss(t, net, step, s, shards); });
  set_num_threads(saved);
  return grads_of(net);
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("the gradient of S shards is the gradient of the whole batch") {
  const test::ShardedProblem pb;
  nn::MLP<float> net = test::ShardedProblem::model();
  float full_loss = 0;
  const std::vector<float> full = full_batch_grad(pb, net, 1, full_loss);
  double norm = 0;
  for (float g : full) norm = std::max(norm, std::abs(double(g)));
  REQUIRE(norm > 1e-3);  // a gradient worth comparing

  double loss = 0;
  CHECK(sharded_grad(pb, net, 1, 1, 2, loss) == full);  // one shard: the same ops, the same bits
  CHECK(loss == double(full_loss));
  for (std::int64_t shards : {2, 3, 5, 96}) {
    CAPTURE(shards);
    const std::vector<float> g = sharded_grad(pb, net, 1, shards, 2, loss);
    REQUIRE(g.size() == full.size());
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(std::abs(double(g[i]) - double(full[i])) <= 1e-5 * norm);
    CHECK(loss == doctest::Approx(double(full_loss)).epsilon(1e-5));
  }
}

TEST_CASE("S shards give the same bits with 1 and 2 threads") {
  const test::ShardedProblem pb;
  nn::MLP<float> net = test::ShardedProblem::model();
  for (std::int64_t shards : {3, 4, 7}) {
    CAPTURE(shards);
    double l1 = 0, l2 = 0;
    const std::vector<float> one = sharded_grad(pb, net, 2, shards, 1, l1);
    const std::vector<float> two = sharded_grad(pb, net, 2, shards, 2, l2);
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
    CHECK(l1 == l2);
  }
}

TEST_CASE("a parameter outside the list is a constant; a shard's error is rethrown") {
  const test::ShardedProblem pb;
  nn::MLP<float> net = test::ShardedProblem::model();
  std::vector<Parameter<float>*> params = params_of(net);
  Parameter<float>* left_out = params.back();
  params.pop_back();
  left_out->grad.fill(7.0f);
  distributed::LocalCommunicator local;
  distributed::ShardedGradient<float> sg(params, 2, local);
  sg.run([&](Tape<float>& t, std::int64_t s) { return pb.shard_loss(t, net, 0, s, 2); });
  CHECK(left_out->grad[0] == 7.0f);  // untouched: no shard wrote to the shared gradient
  CHECK(std::abs(params.front()->grad[0]) > 0);

  CHECK_THROWS_WITH_AS(sg.run([&](Tape<float>& t, std::int64_t s) -> Var<float> {
    if (s == 1) throw std::runtime_error("shard one failed");
    return pb.shard_loss(t, net, 0, s, 2);
  }),
                       "shard one failed", std::runtime_error);
  CHECK_THROWS_WITH_AS(sg.run([&](Tape<float>& t, std::int64_t) { return t.zeros(Shape{2}); }),
                       "shard 0: the loss has 2 elements, not 1", std::invalid_argument);
  CHECK_THROWS_AS(distributed::ShardedGradient<float>(params, 0, local), std::invalid_argument);
  params.push_back(params.front());
  CHECK_THROWS_AS(distributed::ShardedGradient<float>(params, 2, local), std::invalid_argument);
}

TEST_CASE("a sharded training run writes the same bytes with 1 and 2 threads") {
  const test::ShardedProblem pb;
  const fs::path dir = fs::temp_directory_path() / ("dg_sharded_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const int saved = num_threads();
  std::string bytes[2][2];
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    nn::MLP<float> net = test::ShardedProblem::model();
    nn::Adam<float> adam(net.parameters(), {.lr = 3e-3});
    const std::string base = (dir / ("t" + std::to_string(threads))).string();
    nn::StepTrainer<float> trainer(net, adam,
                                   {.name = "net",
                                    .steps = 30,
                                    .clip_norm = 1.0,
                                    .metrics_path = base + ".csv",
                                    .log_every = 1,
                                    .checkpoint_path = base + ".npz",
                                    .shards = 4});
    while (trainer.running()) {
      const std::int64_t step = trainer.step();
      trainer.train_step([&](Tape<float>& t, std::int64_t s) { return pb.shard_loss(t, net, step, s, 4); });
    }
    trainer.finish();
    bytes[threads - 1][0] = file_bytes(base + ".npz");
    const std::string csv = file_bytes(base + ".csv");
    std::string losses;  // the step and loss columns (the seconds column differs)
    std::istringstream rows(csv);
    for (std::string line; std::getline(rows, line);) losses += line.substr(0, line.rfind(',')) + "\n";
    bytes[threads - 1][1] = losses;
  }
  set_num_threads(saved);
  fs::remove_all(dir);
  CHECK(bytes[0][0].size() > 1000);
  CHECK(bytes[0][0] == bytes[1][0]);
  CHECK(bytes[0][1].size() > 30 * 10);
  CHECK(bytes[0][1] == bytes[1][1]);
}

TEST_CASE("a trainer with shards refuses a one-argument loss; ranks without shards are refused") {
  const test::ShardedProblem pb;
  nn::MLP<float> net = test::ShardedProblem::model();
  nn::Adam<float> adam(net.parameters());
  nn::StepTrainer<float> trainer(net, adam, {.name = "net", .steps = 2, .shards = 2});
  CHECK_THROWS_AS(trainer.train_step([&](Tape<float>& t) { return pb.part_loss(t, net, 0, 0, pb.kBatch); }),
                  std::invalid_argument);
  CHECK_THROWS_AS(nn::StepTrainer<float>(net, adam, {.name = "net", .steps = 2, .shards = -1}), std::invalid_argument);
}
