// gravity_field's test-time refinement of the codes (examples/gravity_field/refine.hpp), against an
// analytic answer: particles in a harmonic well k (c* - x) about a point c* of each simulation
// (closed-form trajectories), and an --anchor model whose field is exactly k (c - x) about its
// anchor c. The refinement must move each anchor onto that simulation's c*, read no frame after
// the observed ones, never make a simulation's fit worse, and leave z alone with anchor_only.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"
#include "examples/gravity_field/refine.hpp"
#include "io/error.hpp"

using namespace dg;
using namespace dg::gravity_field;

namespace {

constexpr double kSpring = 2;  // k: omega = sqrt(2)

// S simulations of F frames (dt 0.1) of 3 particles in the well about c*_s (returned in wells (S, 3)):
// x(t) = c + (x0 - c) cos(w t) + (v0 / w) sin(w t), v(t) = -(x0 - c) w sin(w t) + v0 cos(w t).
datasets::Trajectories harmonic(std::int64_t S, std::int64_t F, std::vector<double>& wells) {
  datasets::Trajectories d;
  d.source = "harmonic";
  d.sims = S, d.frames = F, d.particles = 3, d.dim = 3, d.dt_frame = 0.1;
  d.positions.resize(static_cast<std::size_t>(S * F * 3 * 3));
  d.velocities.resize(d.positions.size());
  d.masses.assign(static_cast<std::size_t>(S * 3), 1.0);
  wells.resize(static_cast<std::size_t>(S * 3));
  const double w = std::sqrt(kSpring);
  Philox rng(11, 1);
  for (std::int64_t s = 0; s < S; ++s) {
    double* c = wells.data() + s * 3;
    for (int j = 0; j < 3; ++j) c[j] = rng.normal();
    for (std::int64_t i = 0; i < 3; ++i) {
      double x0[3], v0[3];
      for (int j = 0; j < 3; ++j) x0[j] = c[j] + rng.normal(), v0[j] = rng.normal();
      for (std::int64_t f = 0; f < F; ++f) {
        const double t = d.dt_frame * static_cast<double>(f);
        for (int j = 0; j < 3; ++j) {
          const std::size_t at = d.frame_offset(s, f) + static_cast<std::size_t>(i * 3 + j);
          d.positions[at] = c[j] + (x0[j] - c[j]) * std::cos(w * t) + v0[j] / w * std::sin(w * t);
          d.velocities[at] = -(x0[j] - c[j]) * w * std::sin(w * t) + v0[j] * std::cos(w * t);
        }
      }
    }
  }
  return d;
}

// An --anchor model with no interactions (their output layer zero), the MLP field zero (its start)
// and the radial term the constant k: acceleration k (c - x). Each row votes its own position (reach
// 0), so the encoder's anchor is the mean observed position, near c* but not on it.
const ModelOptions kAnchorModel{
    .kind = ModelKind::DynamicField, .hidden = 8, .field_width = 16, .code = 4, .anchor = true};

void make_harmonic(GravityModel& model) {
  model.interaction->phi_x[1].weight.value.fill(0.0f);
  model.anchor_reach->weight.value.fill(0.0f);
  model.anchor_reach->bias.value.fill(0.0f);
  model.radial->layers[2].weight.value.fill(0.0f);
  model.radial->layers[2].bias.value.fill(static_cast<float>(kSpring));
}

// S simulations of F frames in their wells, and the model that knows the well (anchors unknown).
struct HarmonicCase {
  std::vector<double> wells;  // (S, 3)
  datasets::Trajectories t;
  Philox rng{3, 1};
  GravityModel model;
  HarmonicCase(std::int64_t S, std::int64_t F) : t(harmonic(S, F, wells)), model(kAnchorModel, rng) {
    make_harmonic(model);
  }
};

double anchor_distance(const Tensor<float>& codes, std::int64_t s, const std::vector<double>& wells) {
  double d2 = 0;
  for (int j = 0; j < 3; ++j) d2 += std::pow(codes[s * 7 + 4 + j] - wells[static_cast<std::size_t>(s * 3 + j)], 2);
  return std::sqrt(d2);
}

}  // namespace

TEST_CASE("gravity_field refinement: the anchors move onto the wells the particles move in") {
  const std::int64_t S = 30, observed = 10;  // 30: two chunks (25 + 5)
  HarmonicCase c(S, 14);
  const datasets::Trajectories& t = c.t;
  const std::vector<double>& wells = c.wells;
  GravityModel& model = c.model;
  const Refinement how{.steps = 300, .lr = 0.1, .windows = 4, .anchor_only = true};
  const RefinedCodes r = refined_codes(model, t, observed, 1, 10, how);
  REQUIRE(r.codes.shape() == Shape{S, 7});
  double worst_before = 0, worst_after = 0;
  for (std::int64_t s = 0; s < S; ++s) {
    worst_before = std::max(worst_before, anchor_distance(r.encoder, s, wells));
    worst_after = std::max(worst_after, anchor_distance(r.codes, s, wells));
    CHECK(r.loss_after[static_cast<std::size_t>(s)] <= r.loss_before[static_cast<std::size_t>(s)]);
    for (int j = 0; j < 4; ++j) CHECK(r.codes[s * 7 + j] == r.encoder[s * 7 + j]);  // z untouched
  }
  CHECK(worst_before > 0.1);  // the mean position is not the well's centre
  CHECK(worst_after < 1e-3);  // the refined anchor is (to leapfrog's error, 10 substeps per frame)
  const RefinementSummary summary = summarize(r, model, how, wells);
  CHECK(summary.moved == 1.0);
  CHECK(summary.anchor_distance_after < 0.1 * summary.anchor_distance_before);
  CHECK(summary.median_loss_after < 1e-3 * summary.median_loss_before);

  // Only the observed frames are read: the later ones made NaN change no bit.
  datasets::Trajectories blind = t;
  for (std::int64_t s = 0; s < S; ++s)
    for (std::int64_t f = observed; f < t.frames; ++f)
      for (std::int64_t k = 0; k < 9; ++k)
        blind.positions[blind.frame_offset(s, f) + static_cast<std::size_t>(k)] = NAN,
                                                   blind.velocities[blind.frame_offset(s, f) +
                                                                    static_cast<std::size_t>(k)] = NAN;
  const RefinedCodes same = refined_codes(model, blind, observed, 1, 10, how);
  CHECK(std::equal(same.codes.data(), same.codes.data() + same.codes.numel(), r.codes.data()));

  // Without anchor_only the whole code may move (z has no gradient here: the MLP field is zero), and
  // the fit still improves.
  const RefinedCodes all = refined_codes(model, t, observed, 1, 10, {.steps = 10, .lr = 0.05, .windows = 4});
  CHECK(all.codes[4] != all.encoder[4]);
  CHECK(summarize(all, model, how, wells).median_loss_after < summarize(all, model, how, wells).median_loss_before);
}

TEST_CASE("gravity_field refinement: the same bits with 1 and 2 threads (chunks run on the threads)") {
  HarmonicCase c(60, 12);  // three chunks (25 + 25 + 10)
  // The MLP field made non-zero, so that the whole code (z and the anchor) has a gradient.
  Philox rng(9, 1);
  for (index_t k = 0; k < c.model.external->output->weight.value.numel(); ++k)
    c.model.external->output->weight.value[k] = static_cast<float>(0.1 * rng.normal());
  const Refinement how{.steps = 6, .lr = 0.05, .windows = 3};
  const int threads = num_threads();
  set_num_threads(1);
  const RefinedCodes one = refined_codes(c.model, c.t, 9, 1, 4, how);
  set_num_threads(2);
  const RefinedCodes two = refined_codes(c.model, c.t, 9, 1, 4, how);
  set_num_threads(threads);
  CHECK(std::memcmp(one.codes.data(), two.codes.data(), sizeof(float) * std::size_t(one.codes.numel())) == 0);
  CHECK(one.loss_before == two.loss_before);
  CHECK(one.loss_after == two.loss_after);
  std::int64_t moved_z = 0;
  for (std::int64_t s = 0; s < 60; ++s) moved_z += one.codes[s * 7] != one.encoder[s * 7];
  CHECK(moved_z == 60);  // every chunk was refined, z included
}

TEST_CASE("gravity_field refinement: the windows' starts, and windows of several frames") {
  using V = std::vector<std::int64_t>;
  CHECK(window_starts(44, {.windows = 8, .span = 0}) == V{42, 36, 30, 24, 18, 12, 6, 0});  // evenly over 0 .. 42
  CHECK(window_starts(44, {}) == window_starts(44, {.windows = 8, .span = 8}));            // the default
  CHECK(window_starts(44, {.windows = 8, .span = 8}) == V{42, 41, 40, 39, 38, 37, 36, 35});
  CHECK(window_starts(44, {.windows = 3, .span = 9}) == V{42, 38, 34});
  CHECK(window_starts(44, {.windows = 4, .span = 0, .frames = 3}) == V{40, 27, 14, 0});  // the last ends on frame 43
  CHECK(window_starts(10, {.windows = 50, .span = 0}) == V{8, 7, 6, 5, 4, 3, 2, 1, 0});  // no more than there are
  CHECK(window_starts(10, {.windows = 5, .span = 100}) == V{8, 6, 4, 2, 0});  // a span beyond frame 0

  // Windows of 3 frames find the wells as well, and still read no frame after the observed ones.
  const std::int64_t observed = 10;
  HarmonicCase c(5, 14);
  const Refinement how{.steps = 300, .lr = 0.1, .windows = 3, .frames = 3, .anchor_only = true};
  const RefinedCodes r = refined_codes(c.model, c.t, observed, 1, 10, how);
  for (std::int64_t s = 0; s < 5; ++s) CHECK(anchor_distance(r.codes, s, c.wells) < 1e-3);
  datasets::Trajectories blind = c.t;
  for (std::int64_t s = 0; s < 5; ++s)
    for (std::int64_t f = observed; f < c.t.frames; ++f)
      for (std::int64_t k = 0; k < 9; ++k)
        blind.positions[blind.frame_offset(s, f) + static_cast<std::size_t>(k)] = NAN;
  const RefinedCodes same = refined_codes(c.model, blind, observed, 1, 10, how);
  CHECK(std::equal(same.codes.data(), same.codes.data() + same.codes.numel(), r.codes.data()));
  CHECK_THROWS_AS(refined_codes(c.model, c.t, 3, 1, 10, how), std::invalid_argument);  // 3 frames: no window of 3
}

TEST_CASE("gravity_field refinement: bad settings are named") {
  HarmonicCase c(2, 6);
  const datasets::Trajectories& t = c.t;
  GravityModel& model = c.model;
  Philox& rng = c.rng;
  CHECK_THROWS_AS(refined_codes(model, t, 4, 1, 10, {.steps = 5, .lr = 0}), std::invalid_argument);
  CHECK_THROWS_AS(refined_codes(model, t, 7, 1, 10, {.steps = 5}), std::invalid_argument);  // 7 > 6 frames
  GravityModel plain({.kind = ModelKind::DynamicField, .hidden = 8, .field_width = 16, .code = 4}, rng);
  CHECK_THROWS_AS(refined_codes(plain, t, 4, 1, 10, {.steps = 5, .anchor_only = true}), std::invalid_argument);
  GravityModel none({.kind = ModelKind::NoField, .hidden = 8}, rng);
  CHECK_THROWS_AS(refined_codes(none, t, 4, 1, 10, {.steps = 5}), std::invalid_argument);
}

TEST_CASE("gravity_field refinement: a saved result is read back only when it matches") {
  HarmonicCase c(4, 8);
  const datasets::Trajectories& t = c.t;
  GravityModel& model = c.model;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "dg_gravity_refine_cache";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "codes.npz").string();
  Refinement how{.steps = 20, .lr = 0.1, .windows = 3, .anchor_only = true, .cache = file};
  const RefinedCodes first = refined_codes(model, t, 6, 1, 10, how);
  REQUIRE(std::filesystem::exists(file));
  CHECK_FALSE(first.from_cache);
  auto same_bits = [](const Tensor<float>& a, const Tensor<float>& b) {
    return a.shape() == b.shape() && std::equal(a.data(), a.data() + a.numel(), b.data());
  };

  how.read_cache = true;  // --resume: the same settings and encoder codes, so no refinement
  const RefinedCodes again = refined_codes(model, t, 6, 1, 10, how);
  CHECK(again.from_cache);
  CHECK(same_bits(again.codes, first.codes));
  CHECK(again.loss_after == first.loss_after);
  CHECK(again.seconds == first.seconds);

  // A different setting, or a changed model (other encoder codes): refined again, the file replaced.
  how.steps = 19;
  const RefinedCodes fewer = refined_codes(model, t, 6, 1, 10, how);
  CHECK_FALSE(fewer.from_cache);
  CHECK_FALSE(same_bits(fewer.codes, first.codes));
  CHECK(refined_codes(model, t, 6, 1, 10, how).from_cache);
  model.anchor_reach->bias.value.fill(0.5f);  // the encoder now votes elsewhere
  const RefinedCodes moved = refined_codes(model, t, 6, 1, 10, how);
  CHECK_FALSE(moved.from_cache);
  CHECK_FALSE(same_bits(moved.encoder, fewer.encoder));

  // Without read_cache the file is written but never read.
  how.read_cache = false;
  CHECK_FALSE(refined_codes(model, t, 6, 1, 10, how).from_cache);

  // A file that is not an .npz of the refinement is an error naming it, not silently ignored.
  how.read_cache = true;
  { std::ofstream(file, std::ios::binary | std::ios::trunc) << "not a zip"; }
  CHECK_THROWS_WITH_AS(refined_codes(model, t, 6, 1, 10, how), doctest::Contains("codes.npz"), io::IoError);
  std::filesystem::remove_all(dir);
}
