// Benchmarks of the physics layer (issue 4), steps per second of a velocity-Verlet
// (kick-drift-kick) loop written inline here (integrators/ is not used, so this measures the
// force path alone plus the cheapest possible update):
//   (a) gravitational N-body, N = 5, 100, 1000, with 1 and 2 threads. Reference (issue 4): a
//       well-known C N-body code does ~5.4 million leapfrog steps/s at N = 5 and ~350 at
//       N = 1000 on one core of this kind of machine.
//   (b) Lennard-Jones fluid (reduced density 0.8, kT ~ 1, rc = 2.5, periodic cube) through the
//       cell list, N = 10,000 and 100,000, with 1 and 2 threads.
// Each line: min and median time per step over the repeats, and the best rate.
// Usage: bench_physics [threads]   (default: both 1 and 2)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "autodiff/parallel.hpp"
#include "autodiff/random.hpp"
#include "benchmarks/timing.hpp"
#include "physics/boundary.hpp"
#include "physics/force_model.hpp"
#include "physics/pair_forces.hpp"

using namespace dg;
using namespace dg::physics;

namespace {

// Kick-drift-kick: v += a dt/2; q += v dt; boundary; a = accel(q); v += a dt/2.
void verlet_steps(const ForceModel& model, const Boundary& box, Tensor<double>& q, Tensor<double>& v, Tensor<double>& a,
                  double dt, long steps) {
  const index_t n = q.numel();
  double* pq = q.data();
  double* pv = v.data();
  const double* pa = a.data();
  for (long s = 0; s < steps; ++s) {
    for (index_t i = 0; i < n; ++i) {
      pv[i] += 0.5 * dt * pa[i];
      pq[i] += dt * pv[i];
    }
    box(q, v);
    model.accelerations(q, v, 0.0, a);
    for (index_t i = 0; i < n; ++i) pv[i] += 0.5 * dt * pa[i];
  }
}

void report(const char* name, index_t n, int threads, const bench::Timing& t, long steps) {
  const double min_us = 1e6 * t.min_s / double(steps), med_us = 1e6 * t.median_s / double(steps);
  std::printf("%s N=%lld threads=%d min=%.4g median=%.4g unit=us/step best=%.4g steps/s\n", name,
              static_cast<long long>(n), threads, min_us, med_us, 1e6 / min_us);
  std::fflush(stdout);
}

void bench_gravity(index_t n, int threads, long steps, int repeats) {
  set_num_threads(threads);
  // A cold cluster: positions N(0, 1), small random velocities, total mass 1, eps = 0.01.
  Tensor<double> q(Shape{n, 3}), v(Shape{n, 3}), a;
  for (index_t i = 0; i < q.numel(); ++i) {
    q[i] = normal(1, static_cast<std::uint64_t>(i), 0, 0);
    v[i] = 0.1 * normal(1, static_cast<std::uint64_t>(i), 1, 0);
  }
  const Tensor<double> mass = Tensor<double>::full(Shape{n}, 1.0 / double(n));
  ForceModel model(mass);
  model.add(Gravity(mass, {.G = 1.0, .softening = 0.01}));
  const Boundary open;
  model.accelerations(q, v, 0.0, a);
  const bench::Timing t = bench::time_repeats(repeats, 1, [&] { verlet_steps(model, open, q, v, a, 1e-4, steps); });
  report("nbody_gravity", n, threads, t, steps);
}

void bench_lennard_jones(index_t n, int threads, long steps, int repeats) {
  set_num_threads(threads);
  // Simple cubic lattice at density 0.8 with small jitter, velocities N(0, 1) (kT ~ 1).
  const double side = std::cbrt(double(n) / 0.8);
  const index_t per_side = static_cast<index_t>(std::ceil(std::cbrt(double(n))));
  const double spacing = side / double(per_side);
  Tensor<double> q(Shape{n, 3}), v(Shape{n, 3}), a;
  for (index_t i = 0; i < n; ++i) {
    const index_t c[3] = {i % per_side, (i / per_side) % per_side, i / (per_side * per_side)};
    for (int k = 0; k < 3; ++k) {
      q(i, k) = (double(c[k]) + 0.5) * spacing + 0.05 * (uniform01(2, static_cast<std::uint64_t>(i), k, 0) - 0.5);
      v(i, k) = normal(3, static_cast<std::uint64_t>(i), k, 0);
    }
  }
  const Boundary box = Boundary::periodic(3, side);
  ForceModel model(Tensor<double>::full(Shape{n}, 1.0));
  model.add(LennardJones({.epsilon = 1, .sigma = 1, .cutoff = 2.5, .shift = true, .boundary = box}));
  model.accelerations(q, v, 0.0, a);
  const bench::Timing t = bench::time_repeats(repeats, 1, [&] { verlet_steps(model, box, q, v, a, 0.002, steps); });
  report("lennard_jones_cells", n, threads, t, steps);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> thread_counts = {1, 2};
  if (argc > 1) thread_counts = {bench::int_argument(argc, argv, 1, 1, 1, "bench_physics [threads >= 1]")};
  for (int threads : thread_counts) {
    bench_gravity(5, threads, 2000000, 7);
    bench_gravity(100, threads, 20000, 7);
    bench_gravity(1000, threads, 200, 7);
    bench_lennard_jones(10000, threads, 20, 5);
    bench_lennard_jones(100000, threads, 3, 3);
  }
  return 0;
}
