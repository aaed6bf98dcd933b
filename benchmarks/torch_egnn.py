#!/usr/bin/env python3
"""PyTorch reference for benchmarks/bench_egnn.cpp: the same work, float32, CPU.

One training step (forward, backward, Adam lr 5e-4) of the n-body EGNN of Satorras et al. 2021 (the
velocity variant, as their EGNN_vel: embedding Linear(1, 64), 4 layers of 64 features, SiLU, residual
features, coordinate update averaged over neighbours, phi_x ending in Linear(64, 1) without bias), on
100 graphs of 5 particles in 3D, fully connected (2000 edges), inputs |v| and [q_i q_j, |x_i - x_j|^2],
MSE of the predicted positions:
  egnn_step        the EGNN alone;
  egnn_field_step  plus a neural field of the absolute position (Fourier features, 64 frequencies,
                   sigma 1, then MLP 128 -> 64 -> 64 -> 3, SiLU) times the charge, added to the positions.
Usage: python3 benchmarks/torch_egnn.py [threads] [--device cpu|cuda] [--graphs B]
--device cuda runs the same step on the GPU (each timed step ends with torch.cuda.synchronize()), the
counterpart of benchmarks/bench_egnn_device.cpp; --graphs sets the batch (default 100), and the lines
then also give graphs per second.
Run it with GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736 (see
benchmarks/compare.py) so that PyTorch is measured at its best.
"""
import math
import sys
import time

import torch
from torch import nn

from torch_autodiff import time_repeats  # same folder


def segment_sum(data, index, n):
    out = data.new_zeros((n, data.shape[1]))
    return out.index_add_(0, index, data)


class EGNNLayer(nn.Module):
    """m_ij = phi_e(h_i, h_j, r_ij, a_ij); x_i += mean_j (x_i - x_j) phi_x(m_ij) + phi_v(h_i) v_i;
    h_i += phi_h(h_i, sum_j m_ij)."""

    def __init__(self, f, edge_features):
        super().__init__()
        act = nn.SiLU()
        self.phi_e = nn.Sequential(nn.Linear(2 * f + 1 + edge_features, f), act, nn.Linear(f, f), act)
        last = nn.Linear(f, 1, bias=False)
        nn.init.xavier_uniform_(last.weight, gain=0.001)
        self.phi_x = nn.Sequential(nn.Linear(f, f), act, last)
        self.phi_h = nn.Sequential(nn.Linear(2 * f, f), act, nn.Linear(f, f))
        self.phi_v = nn.Sequential(nn.Linear(f, f), act, nn.Linear(f, 1))

    def forward(self, h, x, v, receivers, senders, inv_degree, edge_attr):
        diff = x[receivers] - x[senders]
        radial = (diff * diff).sum(1, keepdim=True)
        m = self.phi_e(torch.cat([h[receivers], h[senders], radial, edge_attr], 1))
        update = segment_sum(diff * self.phi_x(m), receivers, x.shape[0]) * inv_degree
        x = x + update + self.phi_v(h) * v
        h = h + self.phi_h(torch.cat([h, segment_sum(m, receivers, h.shape[0])], 1))
        return h, x


class EGNN(nn.Module):
    def __init__(self, f=64, layers=4, edge_features=2):
        super().__init__()
        self.embedding = nn.Linear(1, f)
        self.layers = nn.ModuleList([EGNNLayer(f, edge_features) for _ in range(layers)])

    def forward(self, h, x, v, receivers, senders, inv_degree, edge_attr):
        h = self.embedding(h)
        for layer in self.layers:
            h, x = layer(h, x, v, receivers, senders, inv_degree, edge_attr)
        return x


class FourierField(nn.Module):
    def __init__(self, d=3, frequencies=64, sigma=1.0, hidden=64, out=3):
        super().__init__()
        self.register_buffer("B", sigma * torch.randn(d, frequencies))
        act = nn.SiLU()
        self.mlp = nn.Sequential(nn.Linear(2 * frequencies, hidden), act, nn.Linear(hidden, hidden), act,
                                 nn.Linear(hidden, out))

    def forward(self, x):
        z = 2 * math.pi * x @ self.B
        return self.mlp(torch.cat([torch.sin(z), torch.cos(z)], 1))


def main():
    args = sys.argv[1:]
    device, B = "cpu", 100
    if "--device" in args:
        k = args.index("--device")
        device = args[k + 1]
        del args[k:k + 2]
    if "--graphs" in args:
        k = args.index("--graphs")
        B = int(args[k + 1])
        del args[k:k + 2]
    threads = int(args[0]) if args else 1
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    M, d = 5, 3
    n = B * M
    # Fully connected graphs: edges ordered by graph, receiver, sender.
    receivers, senders = [], []
    for b in range(B):
        for i in range(M):
            for j in range(M):
                if i != j:
                    receivers.append(b * M + i)
                    senders.append(b * M + j)
    receivers = torch.tensor(receivers, device=device)
    senders = torch.tensor(senders, device=device)
    inv_degree = torch.full((n, 1), 1.0 / (M - 1), device=device)
    x = torch.randn(n, d).to(device)
    v = (0.5 * torch.randn(n, d)).to(device)
    target = torch.randn(n, d).to(device)
    q = torch.tensor([1.0 if i % 2 else -1.0 for i in range(n)]).unsqueeze(1).to(device)

    for with_field in (False, True):
        egnn = EGNN().to(device)
        field = FourierField().to(device)
        params = list(egnn.parameters()) + (list(field.parameters()) if with_field else [])
        opt = torch.optim.Adam(params, lr=5e-4)

        def step():
            opt.zero_grad()
            diff = x[receivers] - x[senders]
            edge_attr = torch.cat([q[receivers] * q[senders], (diff * diff).sum(1, keepdim=True)], 1)
            h = v.norm(dim=1, keepdim=True)
            pred = egnn(h, x, v, receivers, senders, inv_degree, edge_attr)
            if with_field:
                pred = pred + q * field(x)
            ((pred - target) ** 2).mean().backward()
            opt.step()
            if device != "cpu":
                torch.cuda.synchronize()

        tmin, tmed = time_repeats(step)
        name = "egnn_field_step" if with_field else "egnn_step"
        extra = f" device={device} graphs={B} graphs_per_s_at_min={B / tmin:.0f}" if device != "cpu" or B != 100 else ""
        print(f"{name} threads={threads} min={1e3 * tmin:.3f} median={1e3 * tmed:.3f} unit=ms{extra}")


if __name__ == "__main__":
    main()
