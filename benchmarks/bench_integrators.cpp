// Benchmarks of the integrators layer: (a) the cost of a plain velocity-Verlet step with a free
// force (pure integrator overhead: kicks, drift, NaN check) and with softened all-pairs gravity
// (a serial reference force written here, not physics/), N = 5, 100, 1000 in 3D; (b) BAOAB and
// mean-field Langevin steps (noise from Philox) at N = 5 and 10,000; (c) a differentiable
// 100-step Verlet rollout on the tape at N = 5, plain and checkpointed, forward + backward.
// Usage: bench_integrators [threads]
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "autodiff/ops.hpp"
#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"
#include "benchmarks/timing.hpp"
#include "integrators/integrators.hpp"

using namespace dg;
using namespace dg::integrators;

namespace {

// a_i = sum_j (q_j - q_i) / (|q_j - q_i|^2 + eps^2)^(3/2), unit masses, G = 1. (N, 3).
struct Gravity {
  double eps2 = 0.01;
  void operator()(const Tensor<double>& q, const Tensor<double>&, double, Tensor<double>& a) const {
    const index_t n = q.rows();
    const double* x = q.data();
    double* out = a.data();
    for (index_t i = 0; i < 3 * n; ++i) out[i] = 0;
    for (index_t i = 0; i < n; ++i)
      for (index_t j = i + 1; j < n; ++j) {
        const double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
        const double r2 = dx * dx + dy * dy + dz * dz + eps2;
        const double s = 1.0 / (r2 * std::sqrt(r2));
        out[3 * i] += s * dx, out[3 * i + 1] += s * dy, out[3 * i + 2] += s * dz;
        out[3 * j] -= s * dx, out[3 * j + 1] -= s * dy, out[3 * j + 2] -= s * dz;
      }
  }
};

struct Free {
  template <class V>
  void operator()(const V&, const V&, double, V& a) const {
    if constexpr (std::is_same_v<V, Tensor<double>>) a.fill(0.0);
  }
};

State<Tensor<double>> random_state(index_t n) {
  Philox rng(1, 0);
  Tensor<double> q({n, 3}), v({n, 3});
  for (index_t i = 0; i < q.numel(); ++i) {
    q[i] = rng.normal();
    v[i] = 0.1 * rng.normal();
  }
  return make_state(std::move(q), std::move(v), 7);
}

// Times `steps` steps of `scheme`; prints ns per step and steps per second.
template <class Scheme, class Force>
void time_steps(const char* label, const Scheme& scheme, Force force, index_t n, int steps, int threads) {
  auto s = random_state(n);
  Workspace<Tensor<double>> ws;
  init(scheme, s, force, ws);
  const bench::Timing t = bench::time_repeats(7, 1, [&] { run(scheme, s, force, OpenBoundary{}, ws, steps); });
  std::printf("%s N=%ld threads=%d min=%.1f median=%.1f unit=ns/step steps_per_s=%.3g\n", label, long(n), threads,
              1e9 * t.min_s / steps, 1e9 * t.median_s / steps, steps / t.min_s);
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = bench::int_argument(argc, argv, 1, 1, 1, "bench_integrators [threads >= 1]");
  set_num_threads(threads);

  // (a) velocity Verlet: overhead alone, then with gravity.
  time_steps("verlet_free_force", VelocityVerlet{.dt = 1e-3}, Free{}, 5, 200000, threads);
  for (index_t n : {5, 100, 1000})
    time_steps("verlet_gravity", VelocityVerlet{.dt = 1e-3}, Gravity{}, n, n <= 5 ? 200000 : (n <= 100 ? 5000 : 50), threads);

  // (b) Langevin: the noise dominates at large N.
  const Thermostat bath{.gamma = 1, .kT = 1, .mass = {}};
  for (index_t n : {5, 10000}) {
    time_steps("baoab_free_force", BAOAB{.dt = 1e-3, .bath = bath}, Free{}, n, n <= 5 ? 100000 : 50, threads);
    time_steps("mean_field_free_force", MeanFieldLangevin{.dt = 1e-3, .bath = bath}, Free{}, n, n <= 5 ? 100000 : 50, threads);
  }

  // (c) gradient of a 100-step rollout on the tape, N = 5, a linear force a = -k q with k a parameter.
  {
    Parameter<double> k(Tensor<double>::full(Shape::scalar(), 1.0));
    auto force = [&](const Var<double>& q, const Var<double>&, double, Var<double>& a) { a = -(q * q.tape->param(k)); };
    auto loss = [](const State<Var<double>>& s) { return s.step % 10 == 0 ? sum(square(s.q)) : Var<double>{}; };
    const auto start = random_state(5);
    const VelocityVerlet scheme{.dt = 1e-2};
    Tape<double> tape;
    Workspace<Var<double>> ws;
    bench::Timing plain = bench::time_repeats(20, 2, [&] {
      tape.reset();
      auto s = to_tape(tape, start, true);
      init(scheme, s, force, ws);
      tape.backward(rollout_loss(scheme, s, force, OpenBoundary{}, ws, 100, loss));
    });
    bench::Timing ck = bench::time_repeats(20, 2, [&] {
      checkpointed_rollout_gradient(scheme, start, force, OpenBoundary{}, 100, loss);
    });
    std::printf("tape_rollout_100_steps N=5 threads=%d min=%.2f median=%.2f unit=us\n", threads, 1e6 * plain.min_s, 1e6 * plain.median_s);
    std::printf("checkpointed_rollout_100_steps N=5 threads=%d min=%.2f median=%.2f unit=us\n", threads, 1e6 * ck.min_s, 1e6 * ck.median_s);
  }
  return 0;
}
