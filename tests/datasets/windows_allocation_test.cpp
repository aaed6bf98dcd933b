// WindowLoader::batch allocates nothing after the loader is built: global operator new calls and
// the tensor arena's allocations are counted over every batch of two epochs, full batches and
// the tail batch, with normalisation on. This executable replaces the global operator new, so it
// is its own test program.
#include <doctest/doctest.h>

#include <cmath>

#include "autodiff/storage.hpp"
#include "datasets/windows.hpp"

#include "tests/common/count_new.hpp"

using namespace dg;
using namespace dg::datasets;

TEST_CASE("batch() allocates nothing, for full and tail batches, across epochs") {
  // 3 simulations, 9 frames, 4 particles in 2D; values of no importance but finite.
  Trajectories t;
  t.source = "allocation";
  t.sims = 3, t.frames = 9, t.particles = 4, t.dim = 2;
  for (std::int64_t i = 0; i < t.sims * t.frames * t.particles * t.dim; ++i) {
    t.positions.push_back(0.01 * static_cast<double>(i % 97));
    t.velocities.push_back(-0.02 * static_cast<double>(i % 31));
  }
  t.charges.assign(static_cast<std::size_t>(t.sims * t.particles), 1.0);
  t.masses.assign(static_cast<std::size_t>(t.sims * t.particles), 2.0);
  // 2 inputs, 2 targets of stride 2: 4 starts per simulation, 12 windows, batches of 5, 5, 2.
  WindowLoader<float> loader(t, {.input_frames = 2, .target_frames = 2, .target_stride = 2, .batch_size = 5, .seed = 4},
                             Normalization::fit(t, NormalizationKind::Standard));
  REQUIRE(loader.batch_count() == 3);

  const long news_before = dg::test::new_calls();
  const std::size_t device_before = device_allocation_count();
  double sum = 0;
  for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
    loader.start_epoch(epoch);
    for (std::int64_t b = 0; b < loader.batch_count(); ++b) sum += loader.batch(b).target_positions[1][0];
  }
  CHECK(dg::test::new_calls() == news_before);
  CHECK(device_allocation_count() == device_before);
  CHECK(std::isfinite(sum));
}
