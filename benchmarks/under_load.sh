#!/usr/bin/env bash
# Issue 17 item 9: the EGNN training step (bench_egnn: forward, backward and Adam on 100 graphs of
# 5 particles) with 1 and 2 OpenMP threads, on its own and with a busy loop pinned to core 1
# beside it (`taskset -c 1`), as when another process keeps one of two cores busy. The cases
# alternate within each round, so a change in the machine's load spreads over all of them.
# Each run of bench_egnn times 50 steps and reports their min and median; under load the median
# is the number that matters (a min can come from a moment the busy loop was descheduled).
# Prints one line per run and, at the end, per case the min of the runs' minima and the median of
# the runs' medians.
# Usage: benchmarks/under_load.sh [BUILD_DIR] [ROUNDS]   (defaults: build, 3)
set -euo pipefail
build=${1:-build}
rounds=${2:-3}
bench="$build/benchmarks/bench_egnn"
[ -x "$bench" ] || { echo "under_load.sh: $bench not found (build the benchmarks first)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "under_load.sh: taskset not found (util-linux)" >&2; exit 2; }
log=$(mktemp)
busy=""
stop_busy() { if [ -n "$busy" ]; then kill "$busy" 2>/dev/null || true; wait "$busy" 2>/dev/null || true; busy=""; fi; }
trap 'stop_busy; rm -f "$log"' EXIT
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}"
for ((r = 1; r <= rounds; ++r)); do
  for load in idle busy; do
    for threads in 1 2; do
      if [ "$load" = busy ]; then
        taskset -c 1 bash -c 'while :; do :; done' &
        busy=$!
      fi
      line=$("$bench" "$threads" | grep '^egnn_step ')
      stop_busy
      min=$(sed -E 's/.* min=([0-9.]+) .*/\1/' <<<"$line")
      median=$(sed -E 's/.* median=([0-9.]+) .*/\1/' <<<"$line")
      echo "round=$r load=$load threads=$threads min_ms=$min median_ms=$median"
      echo "$load $threads $min $median" >>"$log"
    done
  done
done
echo "# per case over $rounds rounds (ms): min of the runs' minima, median of the runs' medians"
for load in idle busy; do
  for threads in 1 2; do
    lo=$(awk -v l="$load" -v t="$threads" '$1 == l && $2 == t { print $3 }' "$log" | sort -n | head -n 1)
    med=$(awk -v l="$load" -v t="$threads" '$1 == l && $2 == t { print $4 }' "$log" | sort -n |
      awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    echo "load=$load threads=$threads min=$lo median=$med"
  done
done
