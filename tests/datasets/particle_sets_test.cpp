// Physics of the generated particle sets, checked against independent computations: the frames
// continue each other under a reference simulator written from the published descriptions
// (tests/datasets/helpers.hpp), the electrostatic field on the grid is the sum of the source
// fields, walls keep particles in the box, energy is conserved where nothing caps the force.
#include <doctest/doctest.h>

#include <cmath>

#include "datasets/generate.hpp"
#include "tests/datasets/helpers.hpp"

using namespace dg;
using namespace dg::datasets;
using namespace dg::datasets::test;

namespace {

struct Split4 {
  std::vector<double> q, v, charges;  // (S, F, N, d), (S, F, N, d), (S, N)
  std::int64_t S, F, N, d;
};

Split4 unpack(const io::NamedArrays& a) {
  const auto& shape = io::find(a, "positions", "test").shape();
  Split4 s{values(a, "positions"), values(a, "velocities"), {}, shape[0], shape[1], shape[2], shape[3]};
  for (const auto& [name, arr] : a)
    if (name == "charges") s.charges = values(a, "charges");
  return s;
}

// Runs the reference from every frame to the next one (`every` steps of dt) and returns the
// largest difference to the stored frame, relative to max(1, |x|).
double continuation_error(const Split4& s, Reference ref, double dt, std::int64_t every) {
  const std::size_t frame = static_cast<std::size_t>(s.N * s.d);
  double worst = 0;
  for (std::int64_t i = 0; i < s.S; ++i) {
    ref.charges = rows(s.charges, static_cast<std::size_t>(i * s.N), static_cast<std::size_t>(s.N));
    for (std::int64_t f = 0; f + 1 < s.F; ++f) {
      const std::size_t at = static_cast<std::size_t>(i * s.F + f) * frame;
      std::vector<double> x = rows(s.q, at, frame), v = rows(s.v, at, frame);
      ref.kick_drift(x, v, dt, every);
      const std::vector<double> x1 = rows(s.q, at + frame, frame), v1 = rows(s.v, at + frame, frame);
      for (std::size_t k = 0; k < frame; ++k) {
        worst = std::max(worst, std::abs(x[k] - x1[k]) / std::max(1.0, std::abs(x1[k])));
        worst = std::max(worst, std::abs(v[k] - v1[k]) / std::max(1.0, std::abs(v1[k])));
      }
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("frames are the states after every, 2 every, ..., steps - every steps") {
  const Generator& g = find_generator("charged");
  Params p = small_params(g, 1, 700);
  const io::NamedArrays a = generate_split(g, p, Split::Train);
  CHECK(io::find(a, "positions", "t").shape() == std::vector<std::int64_t>{1, 6, 5, 2});
  const auto steps = io::find(a, "frame_steps", "t").as<std::int64_t>();
  for (std::size_t f = 0; f < steps.size(); ++f) CHECK(steps[f] == 100 * static_cast<std::int64_t>(f + 1));
  CHECK(values(a, "frame_times")[5] == doctest::Approx(0.6));
  CHECK(values(a, "dt_frame")[0] == doctest::Approx(0.1));
  // The published sizes: 49 frames of 5000 steps, 99 for NRI's test split of 10,000.
  const Params pub = default_params(g, true);
  CHECK(g.layout(pub, Split::Train).frames == 49);
  CHECK(g.layout(pub, Split::Test).frames == 99);
  CHECK(pub.integer("train") == 50000);
}

TEST_CASE("electrostatic: the frames continue each other under Aether's loop (norm cap 100, 20 sources)") {
  const Generator& g = find_generator("electrostatic");
  const Params p = small_params(g, 4, 1000);
  const io::NamedArrays a = generate_split(g, p, Split::Train);
  const Split4 s = unpack(a);
  Reference ref;
  ref.sources = values(a, "source_positions");
  ref.source_charges = values(a, "source_charges");
  ref.norm_cap = 100;
  CHECK(continuation_error(s, ref, 0.001, 100) < 1e-8);
  // A wrong cap (none) or a forgotten source field does not continue them.
  Reference no_sources = ref;
  no_sources.source_charges.clear();
  CHECK(continuation_error(s, no_sources, 0.001, 100) > 1e-4);

  // Charges +-1; 20 sources in [-5, 5]^2 with charges +-1.
  for (double c : s.charges) CHECK(std::abs(c) == 1.0);
  REQUIRE(ref.source_charges.size() == 20);
  for (double c : ref.source_charges) CHECK(std::abs(c) == 1.0);
  for (double x : ref.sources) CHECK(std::abs(x) <= 5.0);
}

TEST_CASE("electrostatic: the grid field is the capped sum of the source fields on a unit charge") {
  const Generator& g = find_generator("electrostatic");
  Params p = small_params(g, 3, 1000);
  p.set("grid", 30);
  const io::NamedArrays a = generate_split(g, p, Split::Val);
  const auto pts = values(a, "field_points"), E = values(a, "field_values");
  const auto src = values(a, "source_positions"), c = values(a, "source_charges");
  CHECK(io::find(a, "field_points", "t").shape() == std::vector<std::int64_t>{30, 30, 2});
  double worst = 0, largest = 0;
  for (std::size_t i = 0; i < pts.size() / 2; ++i) {
    double e[2] = {0, 0};
    for (std::size_t s = 0; s < c.size(); ++s) {
      const double dx = pts[2 * i] - src[2 * s], dy = pts[2 * i + 1] - src[2 * s + 1];
      const double r = std::hypot(dx, dy);
      e[0] += c[s] * dx / (r * r * r);
      e[1] += c[s] * dy / (r * r * r);
    }
    const double norm = std::hypot(e[0], e[1]);
    if (norm > 100) e[0] *= 100 / norm, e[1] *= 100 / norm;
    largest = std::max(largest, norm);
    worst = std::max({worst, std::abs(e[0] - E[2 * i]) / std::max(1.0, norm), std::abs(e[1] - E[2 * i + 1]) / std::max(1.0, norm)});
  }
  CHECK(worst < 1e-12);
  CHECK(largest > 1.0);  // the check saw a real field
  // numpy layout: field_points[j, i] = (x_i, y_j); the grid covers the source box.
  CHECK(pts[2 * 1] > pts[0]);
  CHECK(pts[2 * 1 + 1] == pts[1]);
  CHECK(pts[2 * 30 + 1] > pts[1]);
  CHECK(pts[0] <= -5.5);
  CHECK(pts.back() >= 5.5);
}

TEST_CASE("charged: walls keep every particle in [-5, 5] and the frames follow NRI's loop with the clip") {
  const Generator& g = find_generator("charged");
  Params p = small_params(g, 4, 2000);
  p.set("speed", 3.0);  // fast particles: many reflections in 2 time units
  const Split4 s = unpack(generate_split(g, p, Split::Train));
  double reach = 0;
  for (double x : s.q) reach = std::max(reach, std::abs(x));
  CHECK(reach <= 5.0);
  CHECK(reach > 4.0);  // the walls were reached
  Reference ref;
  ref.component_cap = 100;
  ref.box = 5;
  CHECK(continuation_error(s, ref, 0.001, 100) < 1e-8);
  ref.box = 0;  // without the walls the frames do not follow
  CHECK(continuation_error(s, ref, 0.001, 100) > 1e-3);
}

TEST_CASE("nbody and lorentz: frames follow the clipped Coulomb loop (with q v x B and eps^2 = 1e-6)") {
  const Split4 nb = unpack(generate_split(find_generator("nbody"), small_params(find_generator("nbody"), 3, 1000), Split::Train));
  CHECK(nb.d == 3);
  Reference ref;
  ref.d = 3;
  ref.component_cap = 100;
  CHECK(continuation_error(nb, ref, 0.001, 100) < 1e-8);

  const Generator& lz = find_generator("lorentz");
  const Split4 s = unpack(generate_split(lz, small_params(lz, 2, 600), Split::Train));
  CHECK(s.N == 20);
  ref.eps2 = 1e-6;
  ref.B = {0.5, 0.5, 0.5};
  CHECK(continuation_error(s, ref, 0.001, 100) < 1e-8);
  ref.B.clear();
  CHECK(continuation_error(s, ref, 0.001, 100) > 1e-4);
}

TEST_CASE("springs: symmetric edges, and the shadow energy of symplectic Euler is conserved") {
  const Generator& g = find_generator("springs");
  Params p = small_params(g, 3, 5000);
  const io::NamedArrays a = generate_split(g, p, Split::Train);
  const Split4 s = unpack(a);
  const auto edges = values(a, "edges");
  const std::size_t n = static_cast<std::size_t>(s.N), d = static_cast<std::size_t>(s.d), F = static_cast<std::size_t>(s.F);
  const double h = 0.001;
  double springs = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const std::size_t sim = i / (n * n), r = i / n % n, c = i % n;
    CHECK(edges[i] == edges[sim * n * n + c * n + r]);
    if (r == c) CHECK(edges[i] == 0.0);
    springs += edges[i];
  }
  CHECK(springs > 0);
  // For v' = v + h F(x), x' = x + h v' the quantity H + (h/2) sum v.F (H = kinetic + spring
  // energy) is the map's modified energy up to O(h^2); for linear forces such as springs it is
  // an exact invariant (one line of algebra for x'' = -x), so it is conserved to rounding, while
  // H itself moves by O(h), bounded by the correction term.
  for (std::size_t sim = 0; sim < static_cast<std::size_t>(s.S); ++sim) {
    double H0 = 0, shadow0 = 0, moved = 0, shadow_moved = 0, vF_max = 0;
    for (std::size_t f = 0; f < F; ++f) {
      const std::size_t at = (sim * F + f) * n * d;
      double kinetic = 0, potential = 0, vF = 0;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
          double r2 = 0, force[3] = {0, 0, 0};
          for (std::size_t k = 0; k < d; ++k) {
            const double dx = s.q[at + i * d + k] - s.q[at + j * d + k];
            r2 += dx * dx;
            force[k] = -0.1 * edges[sim * n * n + i * n + j] * dx;
          }
          if (j > i) potential += 0.5 * 0.1 * edges[sim * n * n + i * n + j] * r2;
          for (std::size_t k = 0; k < d; ++k) vF += s.v[at + i * d + k] * force[k];
        }
      for (std::size_t k = 0; k < n * d; ++k) kinetic += 0.5 * s.v[at + k] * s.v[at + k];
      const double H = kinetic + potential, shadow = H + 0.5 * h * vF;
      if (f == 0) H0 = H, shadow0 = shadow;
      moved = std::max(moved, std::abs(H - H0));
      shadow_moved = std::max(shadow_moved, std::abs(shadow - shadow0));
      vF_max = std::max(vF_max, std::abs(vF));
    }
    CAPTURE(sim);
    CHECK(moved <= h * vF_max + 1e-12);
    CHECK(moved > 0);
    CHECK(shadow_moved < 1e-12);
  }
}
