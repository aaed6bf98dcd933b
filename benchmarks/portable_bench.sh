#!/usr/bin/env bash
# The EGNN step, the MLP step and the inference rollout (one thread) on each x86 build of
# scripts/portable_builds.sh, interleaved: each round runs every build once in turn, so that the
# load of a shared machine falls on all of them alike. A build whose row kernel exists is also
# run with DG_ROW_KERNEL=0 (Eigen for every product). Prints each program line with its build,
# then per build and benchmark the smallest min and the median of the medians over the rounds.
# Usage: benchmarks/portable_bench.sh ROUNDS BUILD_DIR...   (e.g. 5 build-portable/x86-64 ...)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1
shift
unset OMP_WAIT_POLICY  # OpenMP's default, as BENCHMARKS.md
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
for ((r = 1; r <= rounds; ++r)); do
  for dir in "$@"; do
    for kernel in 1 0; do
      [ "$kernel" = 0 ] && [[ "$dir" == *x86-64 || "$dir" == *x86-64-v2 ]] && continue  # no row kernel there
      for program in bench_egnn bench_autodiff bench_inference; do
        DG_ROW_KERNEL=$kernel DG_BENCH_ONLY=$([ $program = bench_autodiff ] && echo mlp || true) \
          "$dir/benchmarks/$program" 1 | sed "s|^|$(basename "$dir") kernel=$kernel |" | tee -a "$raw"
      done
    done
  done
done
echo "--- summary over $rounds rounds: build kernel benchmark min(min) median(median) unit; load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$raw" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    kv = dict(x.split("=", 1) for x in f[2:] if "=" in x)
    rows[(f[0], f[1], f[2])].append((float(kv["min"]), float(kv["median"]), kv["unit"]))
for (build, kernel, name), v in rows.items():
    print(f"{build:10s} {kernel:8s} {name:16s} {min(x[0] for x in v):8.3f} {statistics.median(x[1] for x in v):8.3f} {v[0][2]}")
PY
