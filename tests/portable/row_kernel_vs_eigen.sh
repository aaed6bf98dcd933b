#!/bin/sh
# Trains tests/portable/train_small twice, with the row kernel (where this build has one) and with
# Eigen alone (DG_ROW_KERNEL=0), and compares the checkpoints with scripts/compare_checkpoints.py
# at the tolerance of the cross-build comparison (docs/portability.md). Also checks that the
# comparison can fail: another seed must not pass. Exit 77 (skipped) without numpy.
# Usage: row_kernel_vs_eigen.sh TRAIN_SMALL COMPARE_CHECKPOINTS.py
set -eu
py=/usr/bin/python3
if [ ! -x "$py" ] || ! "$py" -c 'import numpy' 2>/dev/null; then echo "skipped: no numpy for $py"; exit 77; fi
wrap=${DG_EXE_WRAPPER:-}  # words, may be empty: runs a program of a cross build
train=$(realpath "$1") compare=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
steps=200
$wrap "$train" "$work/kernel.npz" $steps 1
DG_ROW_KERNEL=0 $wrap "$train" "$work/eigen.npz" $steps 1
DG_ROW_KERNEL=0 $wrap "$train" "$work/other_seed.npz" $steps 2
"$py" "$compare" "$work/kernel.npz" "$work/eigen.npz" --rtol 1e-3
if "$py" "$compare" "$work/kernel.npz" "$work/other_seed.npz" --rtol 1e-3 > "$work/other.txt"; then
  echo "another seed's checkpoint passed the comparison: it cannot fail" >&2
  exit 1
fi
echo "row_kernel_vs_eigen: the row kernel and Eigen agree to 1e-3; another seed does not"
