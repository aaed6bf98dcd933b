// Data-parallel training steps (issue 18, distributed/): the old path (one tape for the whole
// batch, each op parallel over its rows) against S shards (one tape each, whole shards per
// thread or MPI rank, gradients summed in shard order), with 1 and 2 threads, in one sitting:
// every round runs every case once (30 timed steps after 3 untimed), so a change of the
// machine's load spreads over all cases; printed per case: the min of the rounds' minima and the
// median of their medians, then the ratios of the medians.
//   egnn_step:  forward, backward and Adam of the EGNN of bench_egnn (100 graphs of 5 particles
//               in 3D, 4 layers of 64 features), loss MSE of the positions;
//   field_step: the field-discovery model (examples/field_discovery, kind Field: EGNN
//               interactions plus the neural field) rolled out over a window of 2 frames of 10
//               substeps on 100 windows of 5 particles in 2D, forward, backward and Adam.
// Under mpirun (dynagrad built with -Dmpi), every rank runs the shard cases with 1 thread and the
// shards split over the ranks; rank 0 prints.
// Usage: bench_data_parallel [rounds] [shards]   (defaults 3, 4)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "autodiff/parallel.hpp"
#include "benchmarks/normal_tensor.hpp"
#include "benchmarks/timing.hpp"
#include "distributed/sharded_gradient.hpp"
#include "distributed/world.hpp"
#include "examples/field_discovery/model.hpp"
#include "examples/field_discovery/rollout.hpp"
#include "nn/adam.hpp"
#include "nn/graph/egnn.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

using bench::normal_tensor;

// A batch of B graphs of M particles in d dimensions, and the graphs of each shard.
struct Problem {
  index_t B, M, d;
  GraphBatch graph;
  std::vector<GraphBatch> shard_graphs;  // (S)
  Tensor<float> x, v, target, q;         // (B M, d) x 3, (B M, 1)
  Problem(index_t b, index_t m, index_t dim, std::int64_t shards)
      : B(b),
        M(m),
        d(dim),
        graph(fully_connected(b, m)),
        x(normal_tensor(Shape{b * m, dim}, 1, 1.0)),
        v(normal_tensor(Shape{b * m, dim}, 2, 0.5)),
        target(normal_tensor(Shape{b * m, dim}, 3, 1.0)),
        q(Shape{b * m, 1}) {
    for (index_t i = 0; i < B * M; ++i) q[i] = (i % 2) ? 1.0f : -1.0f;
    for (std::int64_t s = 0; s < shards; ++s) {
      const auto [g0, g1] = distributed::shard_range(B, shards, s);
      shard_graphs.push_back(fully_connected(g1 - g0, M));
    }
  }
  // Rows [r0, r1) of the graphs of shard s (all when s < 0).
  std::pair<index_t, index_t> rows(std::int64_t s, std::int64_t shards) const {
    if (s < 0) return {0, B * M};
    const auto [g0, g1] = distributed::shard_range(B, shards, s);
    return {g0 * M, g1 * M};
  }
  Var<float> rows_of(Tape<float>& t, const Tensor<float>& a, std::pair<index_t, index_t> r) const {
    const index_t w = a.numel() / (B * M);
    return t.constant(Shape{r.second - r.first, w}, a.data() + r.first * w);
  }
};

// A training step's loss on the rows of shard s of S (s < 0: the whole batch), its share applied.
using LossFn = std::function<Var<float>(Tape<float>&, std::int64_t s, std::int64_t shards)>;

struct Case {
  std::string name;
  int threads;
  bool sharded;
};

void run(const char* label, std::vector<NamedParameter<float>> params, const LossFn& loss, std::int64_t shards,
         int rounds) {
  distributed::Communicator& world = distributed::world();
  Adam<float> adam(params, {.lr = 1e-4});
  std::vector<Parameter<float>*> ps;
  for (const auto& p : params) ps.push_back(p.param);
  distributed::ShardedGradient<float> sharded(ps, shards, world);
  Tape<float> tape;
  std::vector<Case> cases;
  if (world.size() == 1)
    for (int threads : {1, 2}) cases.push_back({"rows", threads, false}), cases.push_back({"shards", threads, true});
  else
    cases.push_back({"shards", 1, true});
  std::map<std::size_t, std::vector<double>> mins, medians;
  for (int r = 0; r < rounds; ++r)
    for (std::size_t c = 0; c < cases.size(); ++c) {
      set_num_threads(cases[c].threads);
      const bench::Timing t = bench::time_repeats(30, 3, [&] {
        if (cases[c].sharded) {
          sharded.run([&](Tape<float>& tp, std::int64_t s) { return loss(tp, s, shards); });
        } else {
          tape.reset();
          adam.zero_grad();
          tape.backward(loss(tape, -1, 1));
        }
        adam.step();
      });
      mins[c].push_back(t.min_s), medians[c].push_back(t.median_s);
    }
  if (world.rank() != 0) return;
  std::vector<double> med(cases.size());
  for (std::size_t c = 0; c < cases.size(); ++c) {
    std::sort(mins[c].begin(), mins[c].end());
    std::sort(medians[c].begin(), medians[c].end());
    med[c] = medians[c][medians[c].size() / 2];
    std::printf("%s path=%s shards=%lld threads=%d ranks=%d min=%.3f median=%.3f unit=ms\n", label,
                cases[c].name.c_str(), (long long)(cases[c].sharded ? shards : 0), cases[c].threads, world.size(),
                1e3 * mins[c].front(), 1e3 * med[c]);
  }
  if (cases.size() == 4)
    std::printf("%s ratios of medians: rows 1/2 threads %.2fx, shards 1/2 threads %.2fx, rows(1) / shards(2) %.2fx\n",
                label, med[0] / med[2], med[1] / med[3], med[0] / med[3]);
}

}  // namespace

int main(int argc, char** argv) {
  const char* usage = "bench_data_parallel [rounds >= 1 [shards >= 1]]";
  const int rounds = bench::int_argument(argc, argv, 1, 3, 1, usage);
  const int shards = bench::int_argument(argc, argv, 2, 4, 1, usage);
  if (distributed::world().rank() == 0)
    std::printf("# rounds %d, shards %d, ranks %d, OMP_WAIT_POLICY=%s\n", rounds, shards, distributed::world().size(),
                std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "unset");

  {  // the EGNN of bench_egnn
    const Problem pb(100, 5, 3, shards);
    Philox rng(0);
    EGNN<float> egnn({.in_features = 1, .edge_features = 2, .hidden = 64, .num_layers = 4}, rng);
    run(
        "egnn_step", egnn.parameters(),
        [&](Tape<float>& t, std::int64_t s, std::int64_t S) {
          const auto rows = pb.rows(s, S);
          const GraphBatch& g = s < 0 ? pb.graph : pb.shard_graphs[std::size_t(s)];
          Var<float> vx = pb.rows_of(t, pb.x, rows), vv = pb.rows_of(t, pb.v, rows), vq = pb.rows_of(t, pb.q, rows);
          const NBodyInputs<float> in = nbody_inputs(g, vx, vv, vq);
          const Var<float> pred = egnn.forward(t, g, in.h, vx, vv, in.edge_attributes).x;
          const Var<float> mse = mean(square(pred - pb.rows_of(t, pb.target, rows)));
          return s < 0 ? mse : mse * (double(rows.second - rows.first) / double(pb.B * pb.M));
        },
        shards, rounds);
  }
  {  // the field-discovery model's training step
    const Problem pb(100, 5, 2, shards);
    Philox rng(1, 100);
    field_discovery::DynamicsModel model({.kind = field_discovery::ModelKind::Field}, rng);
    run(
        "field_step", model.parameters(),
        [&](Tape<float>& t, std::int64_t s, std::int64_t S) {
          const auto rows = pb.rows(s, S);
          const GraphBatch& g = s < 0 ? pb.graph : pb.shard_graphs[std::size_t(s)];
          const Var<float> target = pb.rows_of(t, pb.target, rows);
          Var<float> loss;
          field_discovery::rollout(t, model, g, pb.rows_of(t, pb.x, rows), pb.rows_of(t, pb.v, rows),
                                   pb.rows_of(t, pb.q, rows), 0.1, 10, 2,
                                   [&](int, const Var<float>& q, const Var<float>&) {
                                     const Var<float> l = mean(square(q - target));
                                     loss = loss.valid() ? loss + l : l;
                                   });
          return s < 0 ? loss : loss * (double(rows.second - rows.first) / double(pb.B * pb.M));
        },
        shards, rounds);
  }
  return 0;
}
