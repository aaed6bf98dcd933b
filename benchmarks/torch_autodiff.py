#!/usr/bin/env python3
"""PyTorch reference for benchmarks/bench_autodiff.cpp: the same work, float32, CPU.

(a) a chain of ~10,000 tiny ops (x <- tanh(x * w + b) on 8 elements), forward + backward;
(b) an MLP 3 -> 128 -> 128 -> 3 (tanh) on 4096 points, MSE loss, forward + backward.
Usage: python3 benchmarks/torch_autodiff.py [threads]
Run it with OpenBLAS installed and GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736
(see BENCHMARKS.md) so that PyTorch is measured at its best.
"""
import sys
import time

import torch


def time_repeats(body, repeats=30, warmup=3):
    for _ in range(warmup):
        body()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        body()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[0], times[len(times) // 2]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(0)

    links = 3334
    w = (0.5 * torch.randn(8)).requires_grad_()
    b = (0.1 * torch.randn(8)).requires_grad_()
    x0 = torch.randn(8)

    def chain():
        x = x0
        for _ in range(links):
            x = torch.tanh(x * w + b)
        x.sum().backward()

    tmin, tmed = time_repeats(chain, repeats=10, warmup=2)
    ops = 3 * links
    print(f"tiny_op_chain threads={threads} min={1e6 * tmin / ops:.4f} median={1e6 * tmed / ops:.4f} unit=us/op ops={ops}")

    n, h = 4096, 128
    w1 = (0.5 * torch.randn(3, h)).requires_grad_()
    b1 = (0.1 * torch.randn(h)).requires_grad_()
    w2 = (0.09 * torch.randn(h, h)).requires_grad_()
    b2 = (0.1 * torch.randn(h)).requires_grad_()
    w3 = (0.09 * torch.randn(h, 3)).requires_grad_()
    b3 = (0.1 * torch.randn(3)).requires_grad_()
    x = torch.randn(n, 3)
    y = torch.randn(n, 3)

    def mlp():
        hid = torch.tanh(x @ w1 + b1)
        hid = torch.tanh(hid @ w2 + b2)
        out = hid @ w3 + b3
        ((out - y) ** 2).mean().backward()

    tmin, tmed = time_repeats(mlp)
    fwd = 2.0 * n * (3 * h + h * h + h * 3)  # matmul FLOPs, as bench_autodiff.cpp counts them
    flops = 2 * fwd + 2.0 * n * (h * h + h * 3)
    print(f"mlp threads={threads} min={1e3 * tmin:.3f} median={1e3 * tmed:.3f} unit=ms gflop={flops * 1e-9:.4f} "
          f"gflops_at_min={flops / tmin * 1e-9:.1f}")


if __name__ == "__main__":
    main()
