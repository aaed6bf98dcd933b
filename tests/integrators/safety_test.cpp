// Bad input is refused with a message that names the problem, before a run starts; a NaN or Inf
// that appears during a run stops it naming the step and the particle; steady-state plain steps
// allocate nothing.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "autodiff/storage.hpp"
#include "integrators/integrators.hpp"
#include "tests/integrators/forces.hpp"

using namespace dg;
using namespace dg::integrators;

namespace {

State<Tensor<double>> small_state(index_t n = 3, index_t d = 2) {
  Tensor<double> q({n, d}), v({n, d});
  for (index_t i = 0; i < q.numel(); ++i) {
    q[i] = 0.1 * double(i) - 0.2;
    v[i] = 0.05 * double(i);
  }
  return make_state(std::move(q), std::move(v), 1);
}

// Runs init and returns the exception message ("" when nothing was thrown).
template <class Scheme>
std::string init_error(const Scheme& scheme, State<Tensor<double>> s) {
  Workspace<Tensor<double>> ws;
  try {
    init(scheme, s, test::HarmonicForce{1.0}, ws);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("impossible parameters are refused before the run, naming the parameter") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(contains(init_error(VelocityVerlet{.dt = 0}, small_state()), "velocity_verlet: dt must be positive"));
  CHECK(contains(init_error(RK4{.dt = -0.1}, small_state()), "rk4: dt must be positive"));
  CHECK(contains(init_error(Yoshida4{.dt = nan}, small_state()), "dt must be positive and finite"));
  CHECK(contains(init_error(BAOAB{.dt = 0.1, .bath = {.gamma = -1}}, small_state()), "baoab: friction gamma must be non-negative"));
  CHECK(contains(init_error(OBABO{.dt = 0.1, .bath = {.kT = -0.5}}, small_state()), "obabo: temperature kT must be non-negative"));
  CHECK(contains(init_error(LFMiddle{.dt = 0.1, .bath = {.mass = {1.0, 0.0, 1.0}}}, small_state()),
                 "lf_middle: mass of particle 1 must be positive"));
  CHECK(contains(init_error(MeanFieldLangevin{.dt = 0.1, .bath = {.mass = {-2.0}}}, small_state()), "mass of particle 0"));
  CHECK(contains(init_error(BAOAB{.dt = 0.1, .bath = {.mass = {1.0, 1.0}}}, small_state()), "2 masses given for 3 particles"));
  CHECK(contains(init_error(EulerMaruyama{.dt = 0.1, .bath = {.gamma = 0}}, small_state()),
                 "euler_maruyama: friction gamma (overdamped dynamics) must be positive"));
  // Good parameters pass.
  CHECK(init_error(BAOAB{.dt = 0.1, .bath = {.gamma = 0, .kT = 0, .mass = {1.0, 2.0, 3.0}}}, small_state()) == "");
}

TEST_CASE("mismatched and empty states are refused") {
  auto s = small_state();
  s.v = Tensor<double>::zeros({3, 3});
  CHECK(contains(init_error(VelocityVerlet{.dt = 0.1}, s), "positions and velocities differ in shape"));
  s = small_state();
  s.q = Tensor<double>::zeros({6});
  s.v = Tensor<double>::zeros({6});
  CHECK(contains(init_error(VelocityVerlet{.dt = 0.1}, s), "positions must be (N, d)"));
  CHECK(contains(init_error(VelocityVerlet{.dt = 0.1}, State<Tensor<double>>{}), "no positions or velocities"));
}

TEST_CASE("a NaN in the starting state is refused, naming the particle") {
  auto s = small_state();
  s.v(2, 1) = std::numeric_limits<double>::infinity();
  const std::string msg = init_error(BAOAB{.dt = 0.1}, s);
  CHECK(contains(msg, "non-finite velocity (inf) at particle 2, component 1, in the starting state"));
}

TEST_CASE("a NaN appearing during a run stops it, naming the step and the particle") {
  // A force that breaks down for particle 2 at t >= 1.7 (step 17 with dt = 0.1).
  auto force = [](const Tensor<double>& q, const Tensor<double>&, double t, Tensor<double>& a) {
    for (index_t i = 0; i < q.numel(); ++i) a[i] = -q[i];
    if (t >= 1.7 - 1e-9) a(2, 0) = std::numeric_limits<double>::quiet_NaN();
  };
  auto check = [&](auto scheme) {
    auto s = small_state();
    Workspace<Tensor<double>> ws;
    init(scheme, s, force, ws);
    std::string msg;
    try {
      run(scheme, s, force, OpenBoundary{}, ws, 100);
    } catch (const NonFiniteStateError& e) {
      msg = e.what();
    }
    INFO(msg);
    CHECK(contains(msg, std::string(decltype(scheme)::name) + ": non-finite"));
    CHECK(contains(msg, "at particle 2, component 0, after step 17"));
    CHECK(s.step == 17);
  };
  check(VelocityVerlet{.dt = 0.1});
  check(BAOAB{.dt = 0.1});
  check(MeanFieldLangevin{.dt = 0.1});
  check(RK4{.dt = 0.1});
}

TEST_CASE("a NaN on the tape is caught the same way") {
  auto force = [](const Var<double>& q, const Var<double>&, double t, Var<double>& a) {
    a = q * (t >= 0.25 ? std::numeric_limits<double>::quiet_NaN() : -1.0);
  };
  VelocityVerlet scheme{.dt = 0.1};
  SUBCASE("by the integrator, after the step") {
    Tape<double> tape;
    tape.set_check_finite(false);  // the sanitizer build turns the tape's own check on by default
    auto s = to_tape(tape, small_state(), true);
    Workspace<Var<double>> ws;
    init(scheme, s, force, ws);
    CHECK_THROWS_AS(run(scheme, s, force, OpenBoundary{}, ws, 10), NonFiniteStateError);
    CHECK(s.step == 3);
  }
  SUBCASE("by the tape, at the op that made it, when its check is on") {
    Tape<double> tape;
    tape.set_check_finite(true);
    auto s = to_tape(tape, small_state(), true);
    Workspace<Var<double>> ws;
    init(scheme, s, force, ws);
    CHECK_THROWS_AS(run(scheme, s, force, OpenBoundary{}, ws, 10), NonFiniteError);
    CHECK(s.step == 2);  // the NaN appears inside step 3, before it completes
  }
}

TEST_CASE("stepping without init is refused, not a crash") {
  auto s = small_state();
  Workspace<Tensor<double>> ws;
  test::HarmonicForce force{1.0};
  CHECK_THROWS_AS(BAOAB{.dt = 0.1}.step(s, force, OpenBoundary{}, ws), std::logic_error);
  CHECK_THROWS_AS(RK4{.dt = 0.1}.step(s, force, OpenBoundary{}, ws), std::logic_error);
  State<Tensor<double>> bare;
  bare.q = Tensor<double>::zeros({3, 2});
  bare.v = Tensor<double>::zeros({3, 2});
  CHECK_THROWS_AS(VelocityVerlet{.dt = 0.1}.step(bare, force, OpenBoundary{}, ws), ShapeError);  // no accelerations
  CHECK_THROWS_AS(run(VelocityVerlet{.dt = 0.1}, s, force, OpenBoundary{}, ws, -1), std::invalid_argument);
}

TEST_CASE("plain steps allocate nothing after init (small and parallel-sized states)") {
  auto count_allocations = [](auto scheme, index_t n) {
    auto s = small_state(n, 3);
    Workspace<Tensor<double>> ws;
    test::HarmonicForce force{1.0};
    init(scheme, s, force, ws);
    run(scheme, s, force, OpenBoundary{}, ws, 1);  // first parallel regions, if any
    const std::size_t before = device_allocation_count();
    run(scheme, s, force, OpenBoundary{}, ws, 5);
    return device_allocation_count() - before;
  };
  const Thermostat bath{.gamma = 1, .kT = 1, .mass = {}};
  for (index_t n : {5, 20000}) {
    INFO("N = ", n);
    CHECK(count_allocations(VelocityVerlet{.dt = 0.01}, n) == 0);
    CHECK(count_allocations(RK4{.dt = 0.01}, n) == 0);
    CHECK(count_allocations(PEFRL{.dt = 0.01}, n) == 0);
    CHECK(count_allocations(BAOAB{.dt = 0.01, .bath = bath}, n) == 0);
    CHECK(count_allocations(OBABO{.dt = 0.01, .bath = bath}, n) == 0);
    CHECK(count_allocations(MeanFieldLangevin{.dt = 0.01, .bath = bath}, n) == 0);
  }
}
