#!/bin/sh
# The numpy script of docs/datasets.md ("Your own trajectories") writes a data set that dynagrad
# reads and trains on: the python block after the "own-dataset-script" marker is run as written
# with Debian's /usr/bin/python3 and numpy, own_dataset_check loads and checks the set, and, when
# given, field_discovery trains on it for a few steps (--quick --steps 10).
# Exit 77 (meson: skipped) when that python or numpy is missing.
# Usage: own_dataset.sh DOC.md OWN_DATASET_CHECK [FIELD_DISCOVERY]
set -eu
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "skipped: no $py"; exit 77; fi
if ! "$py" -c 'import numpy' 2>/dev/null; then echo "skipped: numpy missing for $py (apt-get install python3-numpy)"; exit 77; fi
# $DG_EXE_WRAPPER (words, may be empty): runs a program of a cross build (tests/meson.build).
wrap=${DG_EXE_WRAPPER:-}
doc=$(realpath "$1") check=$(realpath "$2") fd=${3:+$(realpath "$3")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The block: from the marker line, skip to the opening fence, print until the closing one.
awk '/own-dataset-script/ {m = 1; next} m == 1 && /^```python/ {m = 2; next} m == 2 && /^```/ {exit} m == 2 {print}' \
  "$doc" > "$work/write_my_set.py"
[ -s "$work/write_my_set.py" ] || { echo "no python block after the own-dataset-script marker in $doc" >&2; exit 1; }
cd "$work"
"$py" write_my_set.py
$wrap "$check" my_set
if [ -n "$fd" ]; then
  $wrap "$fd" --data my_set --quick --steps 10 --grid 10 --quiet --out out
  [ -s out/results.json ] || { echo "field_discovery wrote no results.json" >&2; exit 1; }
fi
echo "own_dataset: the documented script's data set loads and trains"
