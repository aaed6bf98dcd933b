#!/usr/bin/env bash
# The same seed gives the same bits with 1 and 2 threads: runs PROGRAM ARGS twice (--threads 1 and
# --threads 2) and compares every output but the timings: results.json without its times and the
# run's own settings (threads, out), the CSV files without their seconds column.
#   same_bits_threads.sh PROGRAM ARGS...
set -u
program=$1
shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for t in 1 2; do
  OMP_WAIT_POLICY=passive "$program" "$@" --quiet --threads $t --out "$scratch/t$t" > /dev/null || {
    echo "FAIL: $program $* --threads $t exited with $?"
    exit 1
  }
done
failures=0
for file in "$scratch"/t1/*.json "$scratch"/t1/*.csv; do
  name=$(basename "$file")
  if [ "${name##*.}" = json ]; then
    filter() { grep -v -E '"(seconds|train_seconds|ms_per_step|threads|out)":' "$1"; }
  else  # drop a column named seconds
    filter() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") skip = i }
                        { line = ""; for (i = 1; i <= NF; i++) if (i != skip) line = line $i ","; print line }' "$1"; }
  fi
  if ! cmp -s <(filter "$file") <(filter "$scratch/t2/$name"); then
    echo "FAIL: $name differs between 1 and 2 threads"
    diff <(filter "$file") <(filter "$scratch/t2/$name") | head -n 6
    failures=$((failures + 1))
  else
    echo "ok:   $name"
  fi
done
[ "$failures" = 0 ]
