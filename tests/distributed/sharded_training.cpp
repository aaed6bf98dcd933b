// The training run of the MPI tests (run_mpi_tests.sh): StepTrainer with `--shards S` over the
// ranks of distributed::world() (one process without mpirun) on the problem of sharded_problem.hpp,
// resuming from DIR/checkpoint.npz when it exists; rank 0 writes DIR/checkpoint.npz and
// DIR/metrics.csv. Faults on request: --fail-rank R --fail-step K throws in rank R's shards at
// step K; --die-rank R --die-step K ends rank R's process there without a word.
//   sharded_training DIR [--shards 4] [--steps 40] [--stop-after K] [...]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "distributed/world.hpp"
#include "nn/adam.hpp"
#include "nn/step_trainer.hpp"
#include "tests/distributed/sharded_problem.hpp"

using namespace dg;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: sharded_training DIR [--shards S] [--steps N] [--stop-after K] "
                 "[--fail-rank R --fail-step K] [--die-rank R --die-step K]\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::int64_t shards = 4, steps = 40, stop_after = -1, fail_rank = -1, fail_step = -1, die_rank = -1, die_step = -1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::int64_t value = std::stoll(argv[i + 1]);
    if (flag == "--shards")
      shards = value;
    else if (flag == "--steps")
      steps = value;
    else if (flag == "--stop-after")
      stop_after = value;
    else if (flag == "--fail-rank")
      fail_rank = value;
    else if (flag == "--fail-step")
      fail_step = value;
    else if (flag == "--die-rank")
      die_rank = value;
    else if (flag == "--die-step")
      die_step = value;
    else
      throw std::invalid_argument("sharded_training: unknown option " + flag);
  }
  distributed::Communicator& world = distributed::world();
  if (world.rank() == 0) std::filesystem::create_directories(dir);
  const test::ShardedProblem pb;
  // Every rank but 0 starts from other weights: the broadcast at the start must even them out.
  nn::MLP<float> net = test::ShardedProblem::model(5 + std::uint64_t(world.rank()));
  nn::Adam<float> adam(net.parameters(), {.lr = 3e-3});
  nn::StepTrainer<float> trainer(net, adam,
                                 {.name = "sharded_training",
                                  .steps = steps,
                                  .clip_norm = 1.0,
                                  .metrics_path = dir + "/metrics.csv",
                                  .log_every = 1,
                                  .checkpoint_path = dir + "/checkpoint.npz",
                                  .checkpoint_every = 5,
                                  .resume = true,
                                  .settings = {{"shards", std::to_string(shards)}},
                                  .stop_after = stop_after,
                                  .shards = shards,
                                  .communicator = &world});
  while (trainer.running()) {
    const std::int64_t step = trainer.step();
    if (world.rank() == die_rank && step == die_step) std::_Exit(3);
    trainer.train_step([&](Tape<float>& t, std::int64_t s) {
      if (world.rank() == fail_rank && step == fail_step) throw std::runtime_error("a fault asked for by the test");
      return pb.shard_loss(t, net, step, s, shards);
    });
  }
  const nn::TrainSummary summary = trainer.finish();
  if (world.rank() == 0)
    std::printf("ranks %d, shards %lld, steps %lld-%lld, final loss %.9g\n", world.size(), (long long)shards,
                (long long)summary.first_step, (long long)summary.last_step, summary.final_loss);
  return 0;
}
