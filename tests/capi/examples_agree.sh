#!/usr/bin/env bash
# The C example and its Python (ctypes) twin run the same rollout of the same checkpoint through
# the C interface: both must succeed and print the same lines (the particles must have moved and
# the field must be read). A bad checkpoint path must end in exit status 1 with dynagrad's message.
# Usage: examples_agree.sh C_EXAMPLE PYTHON_EXAMPLE SHARED_LIBRARY CHECKPOINT
set -euo pipefail
c_example=$1 py_example=$2 library=$3 checkpoint=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$c_example" "$checkpoint" 12 5 > "$tmp/c.txt"
python3 "$py_example" "$library" "$checkpoint" 12 5 > "$tmp/py.txt"
diff "$tmp/c.txt" "$tmp/py.txt" || { echo "examples_agree.sh: the C and Python examples differ" >&2; exit 1; }
grep -q '^frame 12: ' "$tmp/c.txt" || { echo "examples_agree.sh: no frame 12" >&2; exit 1; }
grep -q '^field at (0, 0): ' "$tmp/c.txt" || { echo "examples_agree.sh: no field read" >&2; exit 1; }
[ "$(sed -n 's/^frame 1: //p' "$tmp/c.txt")" != "$(sed -n 's/^frame 12: //p' "$tmp/c.txt")" ] ||
  { echo "examples_agree.sh: the particles did not move" >&2; exit 1; }
for program in "$c_example" "python3 $py_example $library"; do
  status=0
  $program "$tmp/missing.npz" 2> "$tmp/err.txt" > /dev/null || status=$?
  [ "$status" = 1 ] || { echo "examples_agree.sh: $program on a missing file: exit status $status, expected 1" >&2; exit 1; }
  grep -q 'DG_ERROR_FILE' "$tmp/err.txt" && grep -q 'missing.npz' "$tmp/err.txt" ||
    { echo "examples_agree.sh: $program: no DG_ERROR_FILE message naming the file:" >&2; cat "$tmp/err.txt" >&2; exit 1; }
done
echo "C and Python examples agree on $(grep -c '^frame' "$tmp/c.txt") frames"
