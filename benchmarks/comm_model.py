#!/usr/bin/env python3
"""The paper analysis of docs/distributed.md: the time to combine the shard gradients of a model
over R ranks, and the number of ranks at which it reaches 10% of a step.

Each rank computes a batch of its own per step (weak scaling, as PyTorch DDP and Horovod report
it) in `step_ms` (measured on one core: benchmarks/bench_data_parallel), with S = R shards, one per
rank. A gradient is P float32 values (4 P bytes). Two combinations, both summing in shard order:
  allgather (implemented): every rank receives the R - 1 other shard gradients (ring allgather:
      (R - 1) 4P bytes per rank, R - 1 latency terms), then sums all R in shard order;
  ordered reduce-scatter (the design for many ranks): an all-to-all sends rank r the r-th slice of
      every shard gradient, rank r sums its slice in shard order, an allgather returns the sums:
      2 (R - 1) / R 4P bytes per rank, 2 (R - 1) latency terms, as a ring allreduce.
Latency 10 us per message (TCP over Ethernet); bandwidth the link's line rate.
Usage: comm_model.py NAME:P:STEP_MS ...   e.g. comm_model.py field:58626:150 egnn:134788:6.5
"""
import sys

LATENCY_S = 10e-6
RANKS = [2, 4, 8, 16, 32, 64]
LINKS = {"10 Gbit/s": 10e9 / 8, "25 Gbit/s": 25e9 / 8, "100 Gbit/s": 100e9 / 8}


def allgather_s(p, r, bw):
    return (r - 1) * 4 * p / bw + (r - 1) * LATENCY_S


def reduce_scatter_s(p, r, bw):
    return 2 * (r - 1) / r * 4 * p / bw + 2 * (r - 1) * LATENCY_S


def ranks_at_10_percent(fn, p, step_s, bw):
    for r in range(2, 100000):
        t = fn(p, r, bw)
        if t / (t + step_s) >= 0.10:
            return r
    return None


def main():
    for arg in sys.argv[1:]:
        name, p, step_ms = arg.split(":")
        p, step_s = int(p), float(step_ms) / 1e3
        print(f"\n{name}: P = {p} parameters, gradient {4 * p / 1e3:.0f} kB, step {step_s * 1e3:g} ms on one core")
        for label, fn in (("allgather", allgather_s), ("ordered reduce-scatter", reduce_scatter_s)):
            print(f"\n{label}: combination time in ms (share of the step)")
            print("| link | " + " | ".join(f"{r} ranks" for r in RANKS) + " | 10% reached at |")
            print("|---|" + "---|" * (len(RANKS) + 1))
            for link, bw in LINKS.items():
                cells = []
                for r in RANKS:
                    t = fn(p, r, bw)
                    cells.append(f"{t * 1e3:.2f} ({100 * t / (t + step_s):.0f}%)")
                r10 = ranks_at_10_percent(fn, p, step_s, bw)
                print(f"| {link} | " + " | ".join(cells) + f" | {r10 if r10 and r10 < 100000 else 'never'} ranks |")


if __name__ == "__main__":
    main()
