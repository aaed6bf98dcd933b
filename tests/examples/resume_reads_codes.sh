#!/usr/bin/env bash
# gravity_field --resume reads the refined codes back (refine.hpp) instead of refining them again:
# runs PROGRAM ARGS, then the same with --resume, and checks that the second run says it read both
# sets of codes back (the refit's and the test set's) and wrote the same CSV files, bit for bit.
#   resume_reads_codes.sh PROGRAM ARGS...
set -u
program=$1
shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
OMP_WAIT_POLICY=passive "$program" "$@" --out "$scratch/run" > "$scratch/first.txt" || { echo "FAIL: first run"; exit 1; }
mkdir "$scratch/first"
cp "$scratch"/run/*.csv "$scratch/first/"
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
for file in "$scratch"/first/*.csv; do  # the training curves too: a resume reads them back unchanged
  name=$(basename "$file")
  if cmp -s "$file" "$scratch/run/$name"; then echo "ok:   $name"; else
    echo "FAIL: $name differs after --resume"
    failures=$((failures + 1))
  fi
done
[ "$failures" = 0 ]
