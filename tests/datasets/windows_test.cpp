// WindowLoader and Normalization on trajectories whose every value names its place
// (simulation, frame, particle, component), so that a batch can be checked against the frames it
// must hold without running the loader's own index arithmetic; statistics against a plain
// recomputation in long double; save/load bit for bit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <set>
#include <utility>

#include "datasets/normalization.hpp"
#include "datasets/windows.hpp"
#include "io/json.hpp"
#include "tests/datasets/helpers.hpp"
#include "tests/io/scratch.hpp"

using namespace dg;
using namespace dg::datasets;
using dg::datasets::test::coded;
using dg::datasets::test::coded_trajectories;
using dg::datasets::test::error_of;
using dg::io::test::ScratchDir;

namespace {

// Trajectories of pseudo-random values (a fixed hash, not the library's engine).
Trajectories random_trajectories(std::int64_t S, std::int64_t F, std::int64_t N, std::int64_t d) {
  Trajectories t = coded_trajectories(S, F, N, d);
  std::uint64_t h = 88172645463325252ull;
  auto next = [&] {
    h ^= h << 13, h ^= h >> 7, h ^= h << 17;
    return static_cast<double>(h >> 11) * 0x1p-53;
  };
  for (std::size_t i = 0; i < t.positions.size(); ++i) {
    const double c = static_cast<double>(i % static_cast<std::size_t>(d));
    t.positions[i] = 3.0 * c - 2.0 + (1.0 + c) * next();  // each coordinate its own mean and spread
    t.velocities[i] = 0.5 - next();
  }
  return t;
}

// Every (sim, start) the loader served in the current epoch, in order.
template <class T>
std::vector<std::pair<std::int64_t, std::int64_t>> epoch_windows(WindowLoader<T>& loader) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (std::int64_t w = 0; w < loader.window_count(); ++w) out.push_back(loader.window(w));
  return out;
}

}  // namespace

TEST_CASE("window count and starts: every (simulation, start) that fits, once") {
  const Trajectories t = coded_trajectories(3, 12, 2, 2);
  for (const WindowOptions o : {WindowOptions{.input_frames = 1, .target_frames = 1, .target_stride = 1},
                                WindowOptions{.input_frames = 3, .target_frames = 2, .target_stride = 2},
                                WindowOptions{.input_frames = 2, .target_frames = 1, .target_stride = 9},
                                WindowOptions{.input_frames = 1, .target_frames = 1, .target_stride = 3, .start_frame = 5},
                                WindowOptions{.input_frames = 2, .target_frames = 3, .target_stride = 2, .start_frame = 3}}) {
    CAPTURE(o.input_frames);
    CAPTURE(o.target_frames);
    CAPTURE(o.target_stride);
    CAPTURE(o.start_frame);
    // Brute force: a start fits when its last target frame exists.
    std::set<std::pair<std::int64_t, std::int64_t>> expected;
    for (std::int64_t s = 0; s < t.sims; ++s)
      for (std::int64_t f = 0; f < t.frames; ++f) {
        const bool fits = f + o.input_frames - 1 + o.target_stride * o.target_frames < t.frames;
        if (fits && (o.start_frame < 0 || f == o.start_frame)) expected.insert({s, f});
      }
    WindowLoader<double> loader(t, o);
    CHECK(loader.window_count() == static_cast<std::int64_t>(expected.size()));
    CHECK(loader.starts_per_simulation() * t.sims == loader.window_count());
    for (std::int64_t epoch : {0, 1, 5}) {
      loader.start_epoch(epoch);
      const auto served = epoch_windows(loader);
      CHECK(std::set(served.begin(), served.end()) == expected);  // a permutation: each once
    }
  }
}

TEST_CASE("a batch holds the right frames of the right simulation, with its charges and masses") {
  const std::int64_t S = 4, F = 15, N = 3, d = 2;
  const Trajectories t = coded_trajectories(S, F, N, d);
  const WindowOptions o{.input_frames = 2, .target_frames = 3, .target_stride = 4, .batch_size = 5, .seed = 11};
  WindowLoader<double> loader(t, o);
  loader.start_epoch(2);
  std::int64_t served = 0;
  for (std::int64_t b = 0; b < loader.batch_count(); ++b) {
    const WindowBatch<double>& batch = loader.batch(b);
    REQUIRE(batch.input_positions.size() == 2);
    REQUIRE(batch.target_positions.size() == 3);
    for (index_t slot = 0; slot < batch.size; ++slot, ++served) {
      const std::int64_t s = batch.simulation[static_cast<std::size_t>(slot)], start = batch.start[static_cast<std::size_t>(slot)];
      CHECK(std::make_pair(s, start) == loader.window(served));
      for (std::int64_t n = 0; n < N; ++n) {
        const index_t row = slot * N + n;
        for (std::int64_t c = 0; c < d; ++c) {
          for (std::int64_t i = 0; i < 2; ++i) {
            CHECK(batch.input_positions[static_cast<std::size_t>(i)](row, c) == coded(s, start + i, n, c, false));
            CHECK(batch.input_velocities[static_cast<std::size_t>(i)](row, c) == coded(s, start + i, n, c, true));
          }
          // Targets: last input + 4, + 8, + 12.
          for (std::int64_t k = 0; k < 3; ++k) {
            CHECK(batch.target_positions[static_cast<std::size_t>(k)](row, c) == coded(s, start + 1 + 4 * (k + 1), n, c, false));
            CHECK(batch.target_velocities[static_cast<std::size_t>(k)](row, c) == coded(s, start + 1 + 4 * (k + 1), n, c, true));
          }
        }
        CHECK(batch.charges[row] == static_cast<double>(s - n));
        CHECK(batch.masses[row] == static_cast<double>(s + n + 1));
      }
    }
  }
  CHECK(served == loader.window_count());

  // float batches hold the same values rounded once; data without charges give empty tensors.
  Trajectories no_charges = coded_trajectories(2, 6, 2, 3);
  no_charges.charges.clear();
  WindowLoader<float> f32(no_charges, {.batch_size = 3, .shuffle = false});
  const WindowBatch<float>& first = f32.batch(0);
  CHECK(first.charges.numel() == 0);
  CHECK(first.masses.numel() == 3 * 2);
  CHECK(first.target_positions[0](1, 2) == static_cast<float>(coded(0, 1, 1, 2, false)));
}

TEST_CASE("epoch order: a pure function of (seed, epoch); shuffle off is the identity") {
  const Trajectories t = coded_trajectories(5, 10, 2, 2);
  const WindowOptions o{.input_frames = 2, .target_frames = 1, .target_stride = 2, .batch_size = 7, .seed = 3};
  WindowLoader<float> a(t, o), b(t, o);
  // a visits epochs 0..4 (and serves batches in between), b jumps straight to 4 and back to 1.
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> orders;
  for (std::int64_t e = 0; e < 5; ++e) {
    a.start_epoch(e);
    for (std::int64_t k = 0; k < a.batch_count(); ++k) a.batch(k);
    orders.push_back(epoch_windows(a));
  }
  b.start_epoch(4);
  CHECK(epoch_windows(b) == orders[4]);
  b.start_epoch(1);
  CHECK(epoch_windows(b) == orders[1]);
  // Epochs differ from each other and from the identity; another seed gives other orders.
  for (std::size_t e = 1; e < orders.size(); ++e) CHECK(orders[e] != orders[0]);
  WindowOptions other = o;
  other.seed = 4;
  WindowLoader<float> c(t, other);
  c.start_epoch(1);
  CHECK(epoch_windows(c) != orders[1]);

  // shuffle = false: window w is (w / starts, w % starts) in every epoch.
  WindowOptions plain = o;
  plain.shuffle = false;
  WindowLoader<float> p(t, plain);
  const std::int64_t starts = 10 - (2 + 2 * 1) + 1;
  for (std::int64_t e : {0, 3}) {
    p.start_epoch(e);
    for (std::int64_t w = 0; w < p.window_count(); ++w) CHECK(p.window(w) == std::make_pair(w / starts, w % starts));
  }
  bool shuffled = false;
  for (std::int64_t w = 0; w < a.window_count(); ++w) shuffled |= orders[0][static_cast<std::size_t>(w)] != p.window(w);
  CHECK(shuffled);
}

TEST_CASE("batch sizes: a smaller tail batch, or none with drop_last; the graphs match the batch") {
  // 3 simulations x 4 starts = 12 windows.
  const Trajectories t = coded_trajectories(3, 5, 4, 2);
  for (const bool drop : {false, true}) {
    for (const std::int64_t bs : {1, 5, 6, 12, 20}) {
      CAPTURE(drop);
      CAPTURE(bs);
      WindowLoader<double> loader(t, {.batch_size = bs, .shuffle = true, .drop_last = drop, .seed = 9});
      REQUIRE(loader.window_count() == 12);
      loader.start_epoch(0);
      // Independent expectation: full batches of bs, then the rest unless dropped (a batch size
      // above the window count still gives one batch of every window).
      std::vector<std::int64_t> sizes(static_cast<std::size_t>(12 / bs), bs);
      if (12 % bs != 0 && (!drop || bs > 12)) sizes.push_back(12 % bs);
      REQUIRE(loader.batch_count() == static_cast<std::int64_t>(sizes.size()));
      std::set<std::pair<std::int64_t, std::int64_t>> seen;
      for (std::int64_t b = 0; b < loader.batch_count(); ++b) {
        const WindowBatch<double>& batch = loader.batch(b);
        const index_t B = sizes[static_cast<std::size_t>(b)];
        CHECK(batch.size == B);
        CHECK(batch.input_positions[0].shape() == Shape{B * 4, 2});
        CHECK(batch.charges.numel() == B * 4);
        // The graph: B fully connected graphs of 4 nodes, every ordered pair within a graph once.
        const nn::GraphBatch& g = batch.graph;
        CHECK_NOTHROW(nn::check_graph(g, "window batch"));
        CHECK(g.num_graphs == B);
        CHECK(g.num_nodes == B * 4);
        std::set<std::pair<std::int32_t, std::int32_t>> edges;
        for (index_t e = 0; e < g.num_edges(); ++e) edges.insert({g.senders[static_cast<std::size_t>(e)], g.receivers[static_cast<std::size_t>(e)]});
        std::set<std::pair<std::int32_t, std::int32_t>> want;
        for (std::int32_t i = 0; i < B * 4; ++i)
          for (std::int32_t j = 0; j < B * 4; ++j)
            if (i != j && i / 4 == j / 4) want.insert({i, j});
        CHECK(g.num_edges() == static_cast<index_t>(want.size()));
        CHECK(edges == want);
        for (index_t slot = 0; slot < B; ++slot) seen.insert({batch.simulation[static_cast<std::size_t>(slot)], batch.start[static_cast<std::size_t>(slot)]});
      }
      const std::int64_t covered = std::accumulate(sizes.begin(), sizes.end(), std::int64_t{0});
      CHECK(static_cast<std::int64_t>(seen.size()) == covered);
      CHECK(error_of([&] { loader.batch(loader.batch_count()); }).find("out of range") != std::string::npos);
    }
  }
}

TEST_CASE("impossible options are DatasetErrors that say what is wrong") {
  const Trajectories t = coded_trajectories(2, 8, 3, 2);
  auto err = [&](const WindowOptions& o, Normalization n = {}) {
    return error_of([&] { WindowLoader<float> l(t, o, n); });
  };
  CHECK(err({}).empty());
  CHECK(err({.input_frames = 0}).find("must be >= 1") != std::string::npos);
  CHECK(err({.target_frames = 0}).find("must be >= 1") != std::string::npos);
  CHECK(err({.target_stride = 0}).find("must be >= 1") != std::string::npos);
  CHECK(err({.batch_size = 0}).find("batch_size must be >= 1") != std::string::npos);
  // 4 inputs + 2 targets of stride 2 span 8 frames: fits; stride 3 spans 10: does not.
  CHECK(err({.input_frames = 4, .target_frames = 2, .target_stride = 2}).empty());
  CHECK(err({.input_frames = 4, .target_frames = 2, .target_stride = 3}).find("spans 10 frames, the trajectories have 8") !=
        std::string::npos);
  CHECK(err({.target_stride = 2, .start_frame = 5}).empty());
  CHECK(err({.target_stride = 2, .start_frame = 6}).find("start_frame 6 leaves no room") != std::string::npos);
  Normalization three_d = Normalization::fit(coded_trajectories(1, 2, 2, 3), NormalizationKind::Standard);
  CHECK(err({}, three_d).find("statistics are for dim 3, the data have dim 2") != std::string::npos);
  Trajectories empty = t;
  empty.sims = 0;
  CHECK(error_of([&] { WindowLoader<float> l(empty, {}); }).find("no simulations") != std::string::npos);
  WindowLoader<float> ok(t, {});
  CHECK(error_of([&] { ok.start_epoch(-1); }).find("negative epoch") != std::string::npos);
}

TEST_CASE("normalisation statistics match a direct computation; the loader applies them") {
  const std::int64_t S = 3, F = 7, N = 4, d = 3;
  const Trajectories t = random_trajectories(S, F, N, d);
  const std::size_t rows = static_cast<std::size_t>(S * F * N);

  // Standard: per coordinate mean and population standard deviation, in long double.
  const Normalization std_norm = Normalization::fit(t, NormalizationKind::Standard);
  for (const bool vel : {false, true}) {
    const std::vector<double>& x = vel ? t.velocities : t.positions;
    for (std::int64_t c = 0; c < d; ++c) {
      long double sum = 0, sum2 = 0;
      for (std::size_t r = 0; r < rows; ++r) sum += x[r * d + static_cast<std::size_t>(c)];
      const long double mean = sum / static_cast<long double>(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        const long double e = x[r * d + static_cast<std::size_t>(c)] - mean;
        sum2 += e * e;
      }
      const double sd = static_cast<double>(std::sqrt(sum2 / static_cast<long double>(rows)));
      const auto k = static_cast<std::size_t>(c);
      CHECK((vel ? std_norm.velocity_shift : std_norm.position_shift)[k] == doctest::Approx(static_cast<double>(mean)).epsilon(1e-12));
      CHECK((vel ? std_norm.velocity_scale : std_norm.position_scale)[k] == doctest::Approx(sd).epsilon(1e-12));
    }
  }

  // minmax: one shift and scale for all coordinates; max_speed: the largest |v|, shift 0.
  const Normalization mm = Normalization::fit(t, NormalizationKind::MinMax);
  const auto [lo, hi] = std::minmax_element(t.positions.begin(), t.positions.end());
  for (std::int64_t c = 0; c < d; ++c) {
    CHECK(mm.position_shift[static_cast<std::size_t>(c)] == doctest::Approx((*hi + *lo) / 2));
    CHECK(mm.position_scale[static_cast<std::size_t>(c)] == doctest::Approx((*hi - *lo) / 2));
  }
  const Normalization ms = Normalization::fit(t, NormalizationKind::MaxSpeed);
  double speed = 0;
  for (std::size_t r = 0; r < rows; ++r)
    speed = std::max(speed, std::hypot(t.velocities[3 * r], t.velocities[3 * r + 1], t.velocities[3 * r + 2]));
  for (std::int64_t c = 0; c < d; ++c) {
    CHECK(ms.position_shift[static_cast<std::size_t>(c)] == 0.0);
    CHECK(ms.position_scale[static_cast<std::size_t>(c)] == doctest::Approx(speed).epsilon(1e-14));
    CHECK(ms.velocity_scale[static_cast<std::size_t>(c)] == doctest::Approx(speed).epsilon(1e-14));
  }

  // A constant coordinate gets scale 1 (not a division by zero).
  Trajectories flat = t;
  for (std::size_t r = 0; r < rows; ++r) flat.positions[r * d + 1] = 2.5;
  const Normalization fn = Normalization::fit(flat, NormalizationKind::Standard);
  CHECK(fn.position_shift[1] == doctest::Approx(2.5));
  CHECK(fn.position_scale[1] == 1.0);
  CHECK_FALSE(Normalization::fit(t, NormalizationKind::None).enabled());

  // The loader normalises; x * scale + shift recovers the raw frames (a round trip).
  for (const NormalizationKind kind : {NormalizationKind::Standard, NormalizationKind::MinMax, NormalizationKind::MaxSpeed}) {
    CAPTURE(normalization_name(kind));
    const Normalization norm = Normalization::fit(t, kind);
    WindowLoader<double> loader(t, {.target_stride = 2, .batch_size = 4, .seed = 1}, norm);
    loader.start_epoch(0);
    double worst = 0, z_sum = 0;
    for (std::int64_t b = 0; b < loader.batch_count(); ++b) {
      const WindowBatch<double>& batch = loader.batch(b);
      for (index_t slot = 0; slot < batch.size; ++slot) {
        const std::int64_t s = batch.simulation[static_cast<std::size_t>(slot)], f = batch.start[static_cast<std::size_t>(slot)] + 2;
        for (std::int64_t n = 0; n < N; ++n)
          for (std::int64_t c = 0; c < d; ++c) {
            const auto k = static_cast<std::size_t>(c);
            const std::size_t at = static_cast<std::size_t>(((s * F + f) * N + n) * d + c);
            const double zq = batch.target_positions[0](slot * N + n, c), zv = batch.target_velocities[0](slot * N + n, c);
            worst = std::max(worst, std::abs(zq * norm.position_scale[k] + norm.position_shift[k] - t.positions[at]));
            worst = std::max(worst, std::abs(zv * norm.velocity_scale[k] + norm.velocity_shift[k] - t.velocities[at]));
            z_sum += std::abs(zq - t.positions[at]);
          }
      }
    }
    CHECK(worst < 1e-13);
    CHECK(z_sum > 0.1);  // the values were changed on the way
  }
}

TEST_CASE("normalisation files: saved and loaded bit for bit; bad files name the problem") {
  ScratchDir dir;
  Normalization n = Normalization::fit(random_trajectories(2, 5, 3, 2), NormalizationKind::Standard);
  n.position_shift[0] = 0.1 + 0.2;  // not a short decimal
  n.velocity_scale[1] = std::nextafter(1.0, 2.0);
  n.save(dir / "norm.json");
  const Normalization back = Normalization::load(dir / "norm.json");
  CHECK(back.kind == n.kind);
  CHECK(back.position_shift == n.position_shift);
  CHECK(back.position_scale == n.position_scale);
  CHECK(back.velocity_shift == n.velocity_shift);
  CHECK(back.velocity_scale == n.velocity_scale);
  const Normalization none = [&] {
    Normalization::fit(random_trajectories(1, 2, 1, 2), NormalizationKind::None).save(dir / "none.json");
    return Normalization::load(dir / "none.json");
  }();
  CHECK_FALSE(none.enabled());

  auto err = [&](const std::function<void(io::Json&)>& edit) {
    io::Json doc = io::read_json(dir / "norm.json");
    edit(doc);
    io::write_json(dir / "bad.json", doc);
    return error_of([&] { Normalization::load(dir / "bad.json"); });
  };
  CHECK(err([](io::Json&) {}).empty());
  CHECK(err([](io::Json& d) { d.set("format", "other"); }).find("not a dynagrad normalisation file") != std::string::npos);
  CHECK(err([](io::Json& d) { d.set("kind", "zscore"); }).find("unknown normalisation 'zscore'") != std::string::npos);
  CHECK(err([](io::Json& d) { d.set("dim", 3); }).find("'position_shift' has 2 values, expected dim = 3") != std::string::npos);
  CHECK(err([](io::Json& d) { d.set("velocity_scale", io::Json(std::vector<double>{1.0, 0.0})); }).find("scales must be > 0") !=
        std::string::npos);
  CHECK(error_of([&] { Normalization::load(dir / "missing.json"); }).find("missing.json") != std::string::npos);
}
