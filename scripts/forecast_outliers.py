#!/usr/bin/env python3
"""What the worst forecasts of a field_discovery run have in common (issue 15 section 2).

    scripts/forecast_outliers.py OUT [--step K] [MODEL ...]   (OUT: the run's --out folder)

Reads OUT/field_discovery.npz (the forecasts' positions and velocities and the true ones, and the
sources), computes every test simulation's whole-state squared error at forecast step K (default: the last)
(as nn/forecast_metrics.hpp: positions and velocities, mean over particles and components), and
compares the 10% of simulations with the largest error with the other 90%: their share of the
mean error, and the closest approach, over the forecast window of the true trajectory, of a
particle to a source and of two particles to each other, the count of (particle, frame) pairs
within 0.1 of a source, and the largest true speed. Standard library only (no numpy).
"""
import math, statistics, struct, sys, zipfile


def read_npz(path):
    """{name: (shape, flat list of floats)} for the float64 arrays of an .npz file."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            raw = z.read(name)
            header_len = struct.unpack("<H", raw[8:10])[0] if raw[6] == 1 else struct.unpack("<I", raw[8:12])[0]
            start = (10 if raw[6] == 1 else 12) + header_len
            header = eval(raw[(10 if raw[6] == 1 else 12):start].decode("latin1"))  # a Python dict literal
            if header["descr"] != "<f8" or header["fortran_order"]:
                continue
            count = len(raw[start:]) // 8
            out[name[:-4]] = (tuple(header["shape"]), struct.unpack("<%dd" % count, raw[start:]))
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    args = sys.argv[2:]
    step = None
    if "--step" in args:
        at_flag = args.index("--step")
        step = int(args[at_flag + 1])
        del args[at_flag:at_flag + 2]
    arrays = read_npz(sys.argv[1].rstrip("/") + "/field_discovery.npz")
    models = args or [n[len("forecast_velocities_"):] for n in arrays if n.startswith("forecast_velocities_")]
    (S, H, N, d), xt = arrays["forecast_truth"]
    vt = arrays["forecast_truth_velocities"][1]
    sources = arrays["source_positions"][1]
    M = len(sources) // d
    frame = H * N * d

    def at(s, k, i):
        return ((s * H + k) * N + i) * d

    # Closest approaches along the true future (the same for every model).
    to_source, to_particle, near_frames, speed = [], [], [], []
    for s in range(S):
        ds, dp, near, top_speed = math.inf, math.inf, 0, 0.0
        for k in range(H):
            for i in range(N):
                x = xt[at(s, k, i):at(s, k, i) + d]
                closest = min(math.dist(x, sources[m * d:(m + 1) * d]) for m in range(M))
                ds, near = min(ds, closest), near + (closest < 0.1)
                top_speed = max(top_speed, math.hypot(*vt[at(s, k, i):at(s, k, i) + d]))
                for j in range(i + 1, N):
                    dp = min(dp, math.dist(x, xt[at(s, k, j):at(s, k, j) + d]))
        to_source.append(ds)
        to_particle.append(dp)
        near_frames.append(near)
        speed.append(top_speed)

    for model in models:
        xp = arrays["forecast_" + model][1]
        vp = arrays["forecast_velocities_" + model][1]
        k = (step or H) - 1
        se = []
        for s in range(S):
            e = sum((xp[at(s, k, 0) + c] - xt[at(s, k, 0) + c]) ** 2 + (vp[at(s, k, 0) + c] - vt[at(s, k, 0) + c]) ** 2
                    for c in range(N * d))
            se.append(e / (2 * N * d))
        order = sorted(range(S), key=lambda s: se[s], reverse=True)
        top = order[:max(1, S // 10)]
        rest = order[len(top):]
        share = sum(se[s] for s in top) / sum(se)
        print(f"{model}: step {k + 1} whole-state MSE {sum(se) / S:.4g}, median {statistics.median(se):.4g}; "
              f"the worst {len(top)} of {S} simulations hold {100 * share:.0f}% of the mean")
        for label, group in (("worst 10%", top), ("other 90%", rest)):
            src = [to_source[s] for s in group]
            par = [to_particle[s] for s in group]
            print(f"  {label:9}: closest approach to a source median {statistics.median(src):.3f} "
                  f"(< 0.3 in {100 * sum(v < 0.3 for v in src) / len(src):.0f}%, < 0.1 in "
                  f"{100 * sum(v < 0.1 for v in src) / len(src):.0f}%); of two particles median "
                  f"{statistics.median(par):.3f} (< 0.3 in {100 * sum(v < 0.3 for v in par) / len(par):.0f}%); "
                  f"particle-frames within 0.1 of a source, mean {statistics.mean(near_frames[s] for s in group):.1f}; "
                  f"largest true speed median {statistics.median(speed[s] for s in group):.2f}")


if __name__ == "__main__":
    main()
