// Benchmark of the datasets layer (issue 5): generating the default electrostatic set (Aether's
// static field: 5 charges, 20 sources, 5000 steps, 49 frames; 200 / 50 / 50 simulations), with
// 1 and 2 threads (dg::set_num_threads). The whole set is written to a scratch folder as
// `dynagrad-data generate electrostatic` does (three .npz files and params.json), so the time
// includes the per-split field grid and the writes.
// Each line: min and median of the repeats; the second line divides by the number of
// simulations (300) and gives the best rate in simulations per second; the third gives the
// process CPU time (user + system, all threads) per simulation, which shows the cost of the
// threads themselves and stays meaningful when the machine is shared (wall time then measures
// the share of the cores this process got, not the code).
// Usage: bench_datasets [threads] [repeats]   (default: both 1 and 2 threads, 5 repeats)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "autodiff/parallel.hpp"
#include "benchmarks/timing.hpp"
#include "datasets/generate.hpp"

using namespace dg;
using namespace dg::datasets;

namespace {

// User + system CPU time of the whole process (every thread), in seconds.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> thread_counts = {1, 2};
  const char* usage = "bench_datasets [threads >= 1 [repeats >= 1]]";
  if (argc > 1) thread_counts = {bench::int_argument(argc, argv, 1, 1, 1, usage)};
  const int repeats = bench::int_argument(argc, argv, 2, 5, 1, usage);

  std::string tmpl = (std::filesystem::temp_directory_path() / "dg_bench_datasets_XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  const Generator& g = find_generator("electrostatic");
  const Params p = default_params(g, /*published=*/false);
  const std::int64_t sims = p.integer("train") + p.integer("val") + p.integer("test");

  for (int threads : thread_counts) {
    set_num_threads(threads);
    std::vector<double> cpu;  // CPU seconds of each call, the warm-up first
    const bench::Timing t = bench::time_repeats(repeats, 1, [&] {
      const double c0 = process_cpu_seconds();
      generate_dataset(g, p, tmpl);
      cpu.push_back(process_cpu_seconds() - c0);
    });
    cpu.erase(cpu.begin());
    std::sort(cpu.begin(), cpu.end());
    std::printf("datasets_electrostatic_default threads=%d min=%.4g median=%.4g unit=s sims=%lld\n", threads, t.min_s,
                t.median_s, static_cast<long long>(sims));
    const double min_ms = 1e3 * t.min_s / double(sims), med_ms = 1e3 * t.median_s / double(sims);
    std::printf("datasets_electrostatic_simulation threads=%d min=%.4g median=%.4g unit=ms/sim best=%.4g sims/s\n",
                threads, min_ms, med_ms, 1e3 / min_ms);
    std::printf("datasets_electrostatic_cpu threads=%d min=%.4g median=%.4g unit=cpu_ms/sim\n", threads,
                1e3 * cpu.front() / double(sims), 1e3 * cpu[cpu.size() / 2] / double(sims));
    std::fflush(stdout);
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return 0;
}
