// Point sources recovered from sampled fields of known sources (nn/field/source_recovery.hpp):
// six 2D charges of both signs exactly and with noise, one 3D mass (an attracting source, q < 0),
// and the matching measures (source_matching.hpp) on hand-made sets with known answers.
#include <doctest/doctest.h>

#include <cmath>

#include "autodiff/random.hpp"
#include "nn/field/source_matching.hpp"
#include "nn/field/source_recovery.hpp"
#include "tests/nn/square_grid.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

std::vector<PointSource> six_charges() {
  return {{{-2.1, 1.3}, 1.0}, {{1.7, 2.2}, -1.0}, {{0.4, -0.6}, 1.0},
          {{-1.2, -2.4}, -1.0}, {{2.6, -1.5}, 2.0}, {{-2.8, -0.2}, -0.5}};
}

// The in-plane divergence of 1/r^2 sources, -k sum q / |x - s|^3 (2D), as a learned field shows it.
Tensor<double> divergence2(const std::vector<PointSource>& s, const Tensor<double>& pts) {
  Tensor<double> div = Tensor<double>::zeros(Shape{pts.shape()[0]});
  for (index_t p = 0; p < pts.shape()[0]; ++p)
    for (const PointSource& src : s) {
      const double r = std::hypot(pts(p, 0) - src.position[0], pts(p, 1) - src.position[1]);
      div[p] -= src.charge / (r * r * r + 1e-9);
    }
  return div;
}

void check_recovered(const std::vector<PointSource>& truth, const SourceRecovery& rec, double tol, double charge_tol) {
  const SourceMatching m = match_sources(truth, rec.sources);
  CHECK(rec.sources.size() == truth.size());
  CHECK(m.false_sources == 0);
  for (const SourceMatch& s : m.matches) {
    CHECK(s.distance < tol);
    CHECK(s.recovered_charge == doctest::Approx(s.true_charge).epsilon(charge_tol));
  }
}

}  // namespace

TEST_CASE("six 2D charges are recovered from their exact field, and no more") {
  const auto truth = six_charges();
  const Tensor<double> pts = test::square_grid(40, -4, 4);  // spacing 8/39: no grid point on a source
  const Tensor<double> E = point_source_field(truth, pts);
  const SourceRecovery rec = recover_sources(pts, E, divergence2(truth, pts));
  check_recovered(truth, rec, 1e-4, 1e-4);
  CHECK(rec.rss < 1e-8 * rec.rss_none);
}

TEST_CASE("with 10% noise on the field (and a noisy divergence) the charges are still found") {
  const auto truth = six_charges();
  const Tensor<double> pts = test::square_grid(40, -4, 4);
  Tensor<double> E = point_source_field(truth, pts);
  Tensor<double> div = divergence2(truth, pts);
  Philox rng(5, 0);
  double rms = 0;
  for (index_t k = 0; k < E.numel(); ++k) rms += E[k] * E[k] / double(E.numel());
  rms = std::sqrt(rms);
  for (index_t k = 0; k < E.numel(); ++k) E[k] += 0.1 * rms * rng.normal();
  for (index_t p = 0; p < div.numel(); ++p) div[p] *= 1 + 0.3 * rng.normal();
  const SourceRecovery rec = recover_sources(pts, E, div);
  check_recovered(truth, rec, 0.1, 0.1);
}

TEST_CASE("3D: one hidden mass (q = -m, k = G) comes out at its place with its mass") {
  const std::vector<PointSource> truth = {{{0.3, -0.2, 0.15}, -2.5}};
  const index_t n = 9;
  Tensor<double> pts(Shape{n * n * n, 3});
  for (index_t k = 0; k < n * n * n; ++k) {
    pts(k, 0) = -2 + 4 * double(k % n) / double(n - 1);
    pts(k, 1) = -2 + 4 * double((k / n) % n) / double(n - 1);
    pts(k, 2) = -2 + 4 * double(k / (n * n)) / double(n - 1);
  }
  const Tensor<double> E = point_source_field(truth, pts, 0.7);
  Tensor<double> div(Shape{n * n * n});  // any peaked proxy: |E| peaks at the mass
  for (index_t k = 0; k < n * n * n; ++k) div[k] = std::hypot(E(k, 0), E(k, 1), E(k, 2));
  const SourceRecovery rec = recover_sources(pts, E, div, {}, {.strength = 0.7, .separation = 1.0});
  REQUIRE(rec.sources.size() == 1);
  CHECK(rec.sources[0].charge == doctest::Approx(-2.5).epsilon(1e-4));
  CHECK(match_sources(truth, rec.sources).matches[0].distance < 1e-4);
}

TEST_CASE("no field: no source; weights of 0 leave points out") {
  const Tensor<double> pts = test::square_grid(11, -1, 1);
  const SourceRecovery none = recover_sources(pts, Tensor<double>::zeros(pts.shape()), Tensor<double>::zeros(Shape{121}));
  CHECK(none.sources.empty());
  std::vector<double> w(121, 0.0);
  const auto truth = six_charges();
  const SourceRecovery empty =
      recover_sources(pts, point_source_field(truth, pts), divergence2(truth, pts), w);
  CHECK(empty.residuals == 0);
  CHECK(empty.sources.empty());
}

TEST_CASE("matching: distances, signs, charge errors and false sources by hand") {
  const std::vector<PointSource> truth = {{{0, 0}, 1.0}, {{3, 0}, -1.0}, {{0, 3}, 1.0}};
  const std::vector<PointSource> found = {{{0.1, 0}, 1.5}, {{3, 0.3}, 0.5}, {{6, 6}, 1.0}};
  const SourceMatching m = match_sources(truth, found);
  CHECK(m.matches[0].nearest == 0);
  CHECK(m.matches[0].distance == doctest::Approx(0.1));
  CHECK(m.matches[1].distance == doctest::Approx(0.3));
  CHECK(m.located_02_count == 1);  // the second is within 0.5 but of the wrong sign
  CHECK(m.located_05_count == 1);
  CHECK(m.matched == 2);
  CHECK(m.sign_accuracy == doctest::Approx(0.5));
  CHECK(m.charge_error == doctest::Approx((0.5 + 1.5) / 2));
  CHECK(m.false_sources == 1);
  CHECK(m.false_indices == std::vector<index_t>{2});
  CHECK(m.located_02 == doctest::Approx(1.0 / 3));
  CHECK_THROWS_AS(match_sources(truth, {{{0, 0, 0}, 1.0}}), std::invalid_argument);
}

TEST_CASE("bad input is refused") {
  const Tensor<double> pts = test::square_grid(5, -1, 1);
  const Tensor<double> E = Tensor<double>::zeros(pts.shape());
  CHECK_THROWS_AS(recover_sources(pts, Tensor<double>(Shape{25, 3}), Tensor<double>(Shape{25})), std::invalid_argument);
  CHECK_THROWS_AS(recover_sources(pts, E, Tensor<double>(Shape{24})), std::invalid_argument);
  CHECK_THROWS_AS(recover_sources(pts, E, Tensor<double>::zeros(Shape{25}), std::vector<double>(3, 1.0)),
                  std::invalid_argument);
  Tensor<double> bad = E;
  bad[3] = std::nan("");
  CHECK_THROWS_AS(recover_sources(pts, bad, Tensor<double>::zeros(Shape{25})), std::invalid_argument);
  CHECK_THROWS_AS(recover_sources(pts, E, Tensor<double>::zeros(Shape{25}), {}, {.separation = 0}),
                  std::invalid_argument);
}

TEST_CASE("a weak extra charge (below a quarter of the median |q|) is pruned; without pruning it stays") {
  auto truth = six_charges();
  truth.push_back({{0.9, 1.9}, 0.05});
  const Tensor<double> pts = test::square_grid(40, -4, 4);
  const Tensor<double> E = point_source_field(truth, pts);
  const SourceRecovery pruned = recover_sources(pts, E, divergence2(truth, pts));
  CHECK(pruned.sources.size() == 6);
  CHECK(pruned.pruned == 1);
  const SourceRecovery all = recover_sources(pts, E, divergence2(truth, pts), {}, {.min_charge_fraction = 0});
  CHECK(all.sources.size() == 7);
  CHECK(match_sources(truth, all.sources).false_sources == 0);
}
