#!/usr/bin/env python3
"""Runs a dynagrad benchmark and its PyTorch reference back to back, with 1 and 2 threads, and prints one
table with the ratio. Both sides print lines `<name> threads=<t> min=<v> median=<v> unit=<u> ...`; a line
may also carry `gflop=<g>` (floating-point operations of one timed iteration, in GFLOP), and then the
table shows the GFLOP/s each side reaches at its minimum time and that rate as a fraction of peak.

Usage: python3 benchmarks/compare.py [--build build] [--repeat-sides 2] [--threads 1,2] [--peak 215|measure] SUITE...
  SUITE is one of: autodiff, egnn. --repeat-sides N runs each side N times, alternating
  (dynagrad, PyTorch, dynagrad, PyTorch, ...), and keeps per benchmark the smallest min and the
  median of the medians: a burst of load from other jobs then hits both sides alike. --peak is the
  machine's float32 peak per core in GFLOP/s (peak with t threads: t times that), or `measure` to take
  it from benchmarks/bench_peak. Both sides run with OpenMP's default wait policy (OMP_WAIT_POLICY
  is removed from their environment).
  PyTorch runs with OpenBLAS and GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736
  (glibc keeps freed memory).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SUITES = {
    # name: (dynagrad executable relative to the build dir, PyTorch script relative to benchmarks/)
    "autodiff": ("benchmarks/bench_autodiff", "torch_autodiff.py"),
    "egnn": ("benchmarks/bench_egnn", "torch_egnn.py"),
}
LINE = re.compile(r"^(\S+) threads=(\d+) min=([\d.eE+-]+) median=([\d.eE+-]+) unit=(\S+)(.*)$")
GFLOP = re.compile(r"\bgflop=([\d.eE+-]+)")
TO_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def run(cmd, env=None):
    """{(name, threads): (min, median, unit, gflop or None)} from the lines a benchmark prints."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"compare.py: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    rows = {}
    for line in proc.stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            g = GFLOP.search(m.group(6))
            rows[(m.group(1), int(m.group(2)))] = (float(m.group(3)), float(m.group(4)), m.group(5),
                                                   float(g.group(1)) if g else None)
    return rows


def merge(runs):
    """Several runs of one side -> per benchmark: smallest min, median of the medians."""
    out = {}
    for key in runs[0]:
        got = [r[key] for r in runs if key in r]
        out[key] = (min(g[0] for g in got), statistics.median(g[1] for g in got), got[0][2], got[0][3])
    return out


def rate(value, unit, gflop):
    """GFLOP/s of one iteration of `gflop` done in `value` `unit` (None when unknown)."""
    if gflop is None or unit not in TO_SECONDS:
        return None
    return gflop / (value * TO_SECONDS[unit])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build", help="meson build directory holding benchmarks/ (default: build)")
    ap.add_argument("--repeat-sides", type=int, default=1, metavar="N",
                    help="run each side N times, alternating, and merge (default 1)")
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--peak", default="215",
                    help="float32 peak GFLOP/s per core (default 215, the issue's figure), or 'measure' to run "
                         "bench_peak first and use the rate it measures")
    ap.add_argument("suites", nargs="+", choices=sorted(SUITES))
    args = ap.parse_args()
    if args.repeat_sides < 1:
        ap.error("--repeat-sides must be at least 1")
    thread_counts = [int(t) for t in args.threads.split(",") if t]
    # OpenMP's passive wait policy wakes a sleeping thread for every parallel loop (about 45 us
    # here): both sides run with the default policy whatever the caller's environment says.
    base_env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if "OMP_WAIT_POLICY" in os.environ:
        print(f"compare.py: ignoring OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']} (both sides use the default)")
    if args.peak == "measure":
        peak_exe = os.path.join(args.build, "benchmarks/bench_peak")
        out = subprocess.run([peak_exe], capture_output=True, text=True, env=base_env).stdout
        found = re.search(r"gflops_at_min=([\d.]+)", out)
        if not found:
            sys.exit(f"compare.py: {peak_exe} printed no gflops_at_min= ({out.strip()})")
        args.peak = float(found.group(1))
        print(f"measured peak (bench_peak): {args.peak:.1f} GFLOP/s per core")
    else:
        args.peak = float(args.peak)
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
    torch_env = dict(base_env, GLIBC_TUNABLES="glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736")
    print(f"{'benchmark':<22} {'thr':>3} {'dynagrad min':>13} {'median':>9} {'torch min':>11} {'median':>9} "
          f"{'unit':>6} {'speed-up':>8} {'dg GFLOP/s':>10} {'%peak':>6} {'pt GFLOP/s':>10} {'%peak':>6}")
    for suite in args.suites:
        exe, script = SUITES[suite]
        exe_path = os.path.join(args.build, exe)
        if not os.path.exists(exe_path):
            sys.exit(f"compare.py: {exe_path} does not exist (ninja -C {args.build} {exe})")
        for threads in thread_counts:
            torch_env["OMP_NUM_THREADS"] = str(threads)
            ours_runs, theirs_runs = [], []
            for _ in range(args.repeat_sides):
                ours_runs.append(run([exe_path, str(threads)], env=base_env))
                theirs_runs.append(run([python, os.path.join(HERE, script), str(threads)], env=torch_env))
            ours, theirs = merge(ours_runs), merge(theirs_runs)
            peak = args.peak * threads
            for key in ours:
                if key not in theirs:
                    continue
                (a, am, unit, gflop), (b, bm, _, tgflop) = ours[key], theirs[key]
                cells = []
                for value, g in ((a, gflop), (b, tgflop if tgflop is not None else gflop)):
                    r = rate(value, unit, g)
                    cells.append(f"{r:>10.1f} {100 * r / peak:>5.1f}%" if r is not None else f"{'-':>10} {'-':>6}")
                print(f"{key[0]:<22} {threads:>3} {a:>13.4g} {am:>9.4g} {b:>11.4g} {bm:>9.4g} {unit:>6} "
                      f"{b / a:>7.2f}x {cells[0]} {cells[1]}", flush=True)
    print(f"speed-up = torch min / dynagrad min; GFLOP/s at each side's min time; peak = {args.peak:g} GFLOP/s x threads;"
          f" each side run {args.repeat_sides}x alternating")
    return 0


if __name__ == "__main__":
    sys.exit(main())
