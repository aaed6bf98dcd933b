// The paper's forecast measures (nn/forecast_metrics.hpp) on a hand-made forecast whose every value
// is worked out below: 2 simulations, 2 steps, 2 particles, 2D; then the quantile, a diverged
// forecast (NaN) and bad shapes.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "nn/forecast_metrics.hpp"

using namespace dg;
using namespace dg::nn;

namespace {

// (S, H, N, d) = (2, 2, 2, 2); entry (s, k, i, c) at ((s * 2 + k) * 2 + i) * 2 + c.
constexpr ForecastShape kShape{.sims = 2, .steps = 2, .particles = 2, .dim = 2};
std::size_t at(int s, int k, int i, int c) { return static_cast<std::size_t>(((s * 2 + k) * 2 + i) * 2 + c); }

// The truth: positions 1 and velocities 2 everywhere; the prediction: the truth plus these errors
//   sim 0 step 1: particle 0 dx = (3, 4), dv = 0;        particle 1 dx = 0,      dv = (0, 2)
//   sim 1 step 1: particle 0 dx = (1, 0), dv = 0;        particle 1 dx = 0,      dv = (6, 8)
//   sim 0 step 2: no error
//   sim 1 step 2: particle 0 dx = (2, 2), dv = 0;        particle 1 dx = 0,      dv = (1, -1)
struct Case {
  std::vector<double> xp = std::vector<double>(16, 1.0), vp = std::vector<double>(16, 2.0);  // predicted
  std::vector<double> xt = std::vector<double>(16, 1.0), vt = std::vector<double>(16, 2.0);  // true
  Case() {
    xp[at(0, 0, 0, 0)] += 3, xp[at(0, 0, 0, 1)] += 4, vp[at(0, 0, 1, 1)] += 2;
    xp[at(1, 0, 0, 0)] += 1, vp[at(1, 0, 1, 0)] += 6, vp[at(1, 0, 1, 1)] += 8;
    xp[at(1, 1, 0, 0)] += 2, xp[at(1, 1, 0, 1)] += 2, vp[at(1, 1, 1, 0)] += 1, vp[at(1, 1, 1, 1)] -= 1;
  }
  ForecastMetrics run() const { return forecast_metrics(kShape, xp, vp, xt, vt); }
};

}  // namespace

TEST_CASE("each measure of a hand-made forecast has its worked-out value") {
  const ForecastMetrics m = Case().run();
  REQUIRE(m.state_mse.size() == 2);
  // Step 1. Per simulation, with N d = 4 position (or velocity) components and 8 state ones:
  //   sim 0: sum dx^2 = 25, sum dv^2 = 4    -> position 25/4 = 6.25, velocity 1, state 29/8 = 3.625
  //          |dx_i| = 5, 0; |dv_i| = 0, 2   -> position L2 2.5, velocity L2 1
  //   sim 1: sum dx^2 = 1, sum dv^2 = 100   -> position 0.25, velocity 25, state 101/8 = 12.625
  //          |dx_i| = 1, 0; |dv_i| = 0, 10  -> position L2 0.5, velocity L2 5
  // Means over the 2 simulations; the median of two values is their mean; the 90th percentile is
  // 3.625 + 0.9 (12.625 - 3.625) = 11.725.
  CHECK(m.state_se[0][0] == doctest::Approx(3.625));
  CHECK(m.state_se[0][1] == doctest::Approx(12.625));
  CHECK(m.state_mse[0] == doctest::Approx(8.125));
  CHECK(m.position_mse[0] == doctest::Approx(3.25));
  CHECK(m.velocity_mse[0] == doctest::Approx(13.0));
  CHECK(m.position_l2[0] == doctest::Approx(1.5));
  CHECK(m.velocity_l2[0] == doctest::Approx(3.0));
  CHECK(m.state_mse_median[0] == doctest::Approx(8.125));
  CHECK(m.state_mse_p90[0] == doctest::Approx(11.725));
  // Step 2: sim 0 has no error; sim 1: sum dx^2 = 8, sum dv^2 = 2 -> position 2, velocity 0.5,
  // state 10/8 = 1.25; |dx_0| = 2 sqrt 2, |dv_1| = sqrt 2 -> position L2 sqrt 2, velocity L2
  // sqrt(2) / 2. Means: state 0.625, position 1, velocity 0.25, position L2 sqrt(2) / 2, velocity
  // L2 sqrt(2) / 4; median 0.625; 90th percentile 0.9 * 1.25 = 1.125.
  CHECK(m.state_se[1][0] == 0.0);
  CHECK(m.state_mse[1] == doctest::Approx(0.625));
  CHECK(m.position_mse[1] == doctest::Approx(1.0));
  CHECK(m.velocity_mse[1] == doctest::Approx(0.25));
  CHECK(m.position_l2[1] == doctest::Approx(std::sqrt(2.0) / 2));
  CHECK(m.velocity_l2[1] == doctest::Approx(std::sqrt(2.0) / 4));
  CHECK(m.state_mse_median[1] == doctest::Approx(0.625));
  CHECK(m.state_mse_p90[1] == doctest::Approx(1.125));
}

TEST_CASE("quantiles interpolate linearly between order statistics, as numpy.percentile") {
  CHECK(quantile({4, 1, 3, 2}, 0.5) == doctest::Approx(2.5));
  CHECK(quantile({4, 1, 3, 2}, 0.9) == doctest::Approx(3.7));  // rank 2.7: 3 + 0.7 (4 - 3)
  CHECK(quantile({5, 1, 3}, 0.5) == 3.0);
  CHECK(quantile({7}, 0.9) == 7.0);
  CHECK(quantile({1, 2, 3}, 1.0) == 3.0);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(quantile({1, inf, inf}, 0.9) == inf);  // not Inf - Inf = NaN
  CHECK(std::isnan(quantile({}, 0.5)));
  CHECK(std::isnan(quantile({1, std::nan(""), 3}, 0.5)));
}

TEST_CASE("a diverged forecast makes every measure of its step NaN, not a finite average") {
  Case c;
  c.xp[at(1, 1, 1, 0)] = std::numeric_limits<double>::quiet_NaN();  // sim 1 did not reach step 2
  const ForecastMetrics m = c.run();
  CHECK(m.state_mse[0] == doctest::Approx(8.125));  // step 1 is untouched
  CHECK(m.state_mse_p90[0] == doctest::Approx(11.725));
  for (const auto* v : {&m.state_mse, &m.position_mse, &m.velocity_mse, &m.position_l2, &m.velocity_l2,
                        &m.state_mse_median, &m.state_mse_p90})
    CHECK(std::isnan((*v)[1]));
  CHECK(m.state_se[1][0] == 0.0);  // the simulation that did not diverge keeps its error
  CHECK(std::isnan(m.state_se[1][1]));
  c.vp[at(1, 1, 1, 0)] = std::numeric_limits<double>::infinity();  // an Inf velocity, positions finite again
  c.xp[at(1, 1, 1, 0)] = 1.0;
  CHECK(std::isnan(c.run().velocity_mse[1]));
  CHECK(std::isnan(c.run().state_mse_median[1]));
}

TEST_CASE("bad shapes are refused with the array named") {
  const Case c;
  CHECK_THROWS_AS(forecast_metrics({.sims = 0, .steps = 2, .particles = 2, .dim = 2}, {}, {}, {}, {}),
                  std::invalid_argument);
  const std::vector<double> short_array(15, 0.0);
  CHECK_THROWS_WITH_AS(forecast_metrics(kShape, c.xp, c.vp, c.xt, short_array),
                       doctest::Contains("true_velocities holds 15 values"), std::invalid_argument);
}
