#!/usr/bin/env python3
"""Compares two dynagrad checkpoints (.npz) array by array to a tolerance: the same small training
run on builds for different instruction sets (scripts/portable_builds.sh) gives checkpoints that
differ in their last bits (fused multiply-adds, vector widths, Eigen's blocking), not more.

  compare_checkpoints.py A.npz B.npz [--rtol 1e-3]

Every array of A must be in B with the same dtype and shape. Float arrays pass when
max |a - b| <= rtol * max(max |a|, max |b|, 1e-30) per array (a relative bound on the array's
scale, since single elements near 0 carry only absolute noise); integer arrays (the step counts)
must be equal.
The optimiser's moments are compared like the weights (they follow the gradients). The
description and settings strings are not compared. Prints the worst relative difference of
each array; exit 0 when all pass, 1 when one does not, 2 on bad input.
"""
import argparse
import sys

import numpy as np

TEXT = {"meta.description", "meta.optimizer", "meta.settings"}  # free text, not compared


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rtol", type=float, default=1e-3)
    args = ap.parse_args()
    try:
        a, b = np.load(args.a), np.load(args.b)
    except (OSError, ValueError) as e:
        print(f"compare_checkpoints: cannot read: {e}", file=sys.stderr)
        return 2
    failed, worst = [], 0.0
    for name in sorted(a.files):
        if name not in b.files:
            failed.append(f"{name}: missing in {args.b}")
            continue
        x, y = a[name], b[name]
        if x.dtype != y.dtype or x.shape != y.shape:
            failed.append(f"{name}: {x.dtype}{x.shape} against {y.dtype}{y.shape}")
            continue
        if x.dtype.kind == "f":
            if not (np.isfinite(x).all() and np.isfinite(y).all()):
                failed.append(f"{name}: not finite")
                continue
            scale = max(float(np.abs(x).max(initial=0)), float(np.abs(y).max(initial=0)), 1e-30)
            rel = float(np.abs(x.astype(np.float64) - y.astype(np.float64)).max(initial=0)) / scale
            worst = max(worst, rel)
            print(f"  {name:40s} {str(x.shape):14s} max rel diff {rel:.3e}")
            if rel > args.rtol:
                failed.append(f"{name}: max |a - b| is {rel:.3e} of the array's scale, over {args.rtol:g}")
        elif name not in TEXT and not np.array_equal(x, y):  # integers (the step counts): equal
            failed.append(f"{name}: {x} against {y}")
    extra = sorted(set(b.files) - set(a.files))
    if extra:
        failed.append(f"only in {args.b}: {', '.join(extra)}")
    for f in failed:
        print(f"FAIL {f}")
    print(f"compare_checkpoints: {'FAIL' if failed else 'ok'}: worst {worst:.3e} (rtol {args.rtol:g}), "
          f"{args.a} vs {args.b}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
