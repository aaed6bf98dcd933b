#!/usr/bin/env python3
"""Runs a dynagrad benchmark and its PyTorch reference back to back, with 1 and 2 threads, and prints one
table with the ratio. Both sides print lines `<name> threads=<t> min=<v> median=<v> unit=<u> ...`.

Usage: python3 benchmarks/compare.py [--build build] [--repeat-sides 2] SUITE...
  SUITE is one of: autodiff, egnn (as they exist). PyTorch runs with OpenBLAS and
  GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736 (glibc keeps freed memory).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SUITES = {
    # name: (dynagrad executable relative to the build dir, PyTorch script relative to benchmarks/)
    "autodiff": ("benchmarks/bench_autodiff", "torch_autodiff.py"),
    "egnn": ("benchmarks/bench_egnn", "torch_egnn.py"),
}
LINE = re.compile(r"^(\S+) threads=(\d+) min=([\d.eE+-]+) median=([\d.eE+-]+) unit=(\S+)")


def run(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    rows = {}
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m:
            rows[(m.group(1), int(m.group(2)))] = (float(m.group(3)), float(m.group(4)), m.group(5))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("suites", nargs="+", choices=sorted(SUITES))
    args = ap.parse_args()
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
    torch_env = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736",
                     OMP_NUM_THREADS="1")
    print(f"{'benchmark':<22} {'thr':>3} {'dynagrad min':>13} {'median':>9} {'torch min':>11} {'median':>9} "
          f"{'unit':>6} {'speed-up':>8}")
    for suite in args.suites:
        exe, script = SUITES[suite]
        for threads in (1, 2):
            ours = run([os.path.join(args.build, exe), str(threads)])
            torch_env["OMP_NUM_THREADS"] = str(threads)
            theirs = run([python, os.path.join(HERE, script), str(threads)], env=torch_env)
            for key in ours:
                if key not in theirs:
                    continue
                (a, am, unit), (b, bm, _) = ours[key], theirs[key]
                print(f"{key[0]:<22} {threads:>3} {a:>13.4g} {am:>9.4g} {b:>11.4g} {bm:>9.4g} {unit:>6} {b / a:>7.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
