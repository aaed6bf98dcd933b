// A sharded training step (4 shards, 2 threads, StepTrainer with Adam and clipping) allocates
// nothing after the first: operator new and the arenas' blocks are counted over steps 2 to 10.
// This executable replaces the global operator new, so it is its own test program.
#include <doctest/doctest.h>

#include "autodiff/storage.hpp"
#include "nn/adam.hpp"
#include "nn/step_trainer.hpp"
#include "tests/common/count_new.hpp"
#include "tests/distributed/sharded_problem.hpp"

using namespace dg;

TEST_CASE("a sharded training step allocates nothing after the first") {
  const test::ShardedProblem pb;
  nn::MLP<float> net = test::ShardedProblem::model();
  nn::Adam<float> adam(net.parameters(), {.lr = 3e-3});
  const int saved = num_threads();
  set_num_threads(2);
  nn::StepTrainer<float> trainer(net, adam, {.name = "net", .steps = 10, .clip_norm = 1.0, .shards = 4});
  long news_before = 0;
  std::size_t device_before = 0;
  double first = 0, last = 0;
  while (trainer.running()) {
    const std::int64_t step = trainer.step();
    if (step == 1) news_before = test::new_calls(), device_before = device_allocation_count();
    const nn::StepStats s =  // always batch 0, so that the loss must fall
        trainer.train_step([&](Tape<float>& t, std::int64_t shard) { return pb.shard_loss(t, net, 0, shard, 4); });
    (step == 0 ? first : last) = s.loss;
  }
  const long news = test::new_calls() - news_before;
  const std::size_t device = device_allocation_count() - device_before;
  set_num_threads(saved);
  CHECK(news == 0);
  CHECK(device == 0);
  CHECK(last < first);  // it trained
}
