#!/usr/bin/env bash
# gravity_field --resume reads the refined codes back (refine.hpp) instead of refining them again:
# runs PROGRAM ARGS, then the same with --resume, and checks that the second run says it read both
# sets of codes back (the refit's and the test set's) and forecast the same bits.
#   resume_reads_codes.sh PROGRAM ARGS...
set -u
program=$1
shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
OMP_WAIT_POLICY=passive "$program" "$@" --out "$scratch/run" > "$scratch/first.txt" || { echo "FAIL: first run"; exit 1; }
cp "$scratch/run/forecast_metrics.csv" "$scratch/run/hidden_mass.csv" "$scratch/"
OMP_WAIT_POLICY=passive "$program" "$@" --resume --out "$scratch/run" > "$scratch/second.txt" || {
  echo "FAIL: the resumed run"
  exit 1
}
failures=0
if [ "$(grep -c 'read back' "$scratch/first.txt")" != 0 ] || [ "$(grep -c 'read back' "$scratch/second.txt")" != 2 ]; then
  echo "FAIL: expected no codes read back in the first run and two sets in the resumed one"
  grep -E 'refit:|codes refined' "$scratch/first.txt" "$scratch/second.txt"
  failures=1
fi
for name in forecast_metrics.csv hidden_mass.csv; do  # the seconds column differs: compare the rest
  strip() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") skip = i }
                     { line = ""; for (i = 1; i <= NF; i++) if (i != skip) line = line $i ","; print line }' "$1"; }
  if cmp -s <(strip "$scratch/$name") <(strip "$scratch/run/$name"); then echo "ok:   $name"; else
    echo "FAIL: $name differs after --resume"
    failures=$((failures + 1))
  fi
done
[ "$failures" = 0 ]
