"""Opens the files written by write_samples with Python's own readers.

  check_with_python.py WRITE_SAMPLES numpy   numpy.load reads our .npy/.npz (plain and ZIP64) with
                                             the right dtypes, shapes and values
  check_with_python.py WRITE_SAMPLES text    json, csv and xml.etree read results.json,
                                             metrics.csv/.jsonl and the SVG plots
Run by check_with_python.sh, which skips (exit 77) when /usr/bin/python3 or numpy is missing.
"""
import csv
import json
import math
import os
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def check_numpy(out):
    import numpy as np

    expected = {
        "f32_4x3": (np.arange(12, dtype=np.float32).reshape(4, 3) * np.float32(0.5) - np.float32(2)),
        "f64_2x3x4": np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7.0,
        "i32_6": 1 - 3 * np.arange(6, dtype=np.int32),
        "i64_5": np.arange(5, dtype=np.int64) * (1 << 40) + np.arange(5, dtype=np.int64),
        "f64_scalar": np.array(1.0 / 3.0),
        "i64_empty": np.zeros((0, 5), dtype=np.int64),
    }

    def same(name, got):
        want = expected[name]
        assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
        assert got.shape == want.shape, (name, got.shape, want.shape)
        assert got.tobytes() == want.tobytes(), (name, got, want)
        assert got.flags["C_CONTIGUOUS"], name

    for name in expected:
        same(name, np.load(os.path.join(out, name + ".npy")))
    for archive in ("arrays.npz", "arrays_zip64.npz"):
        with np.load(os.path.join(out, archive)) as z:
            assert list(z.files) == list(expected), (archive, z.files)
            for name in expected:
                same(name, z[name])
    print("numpy read", len(expected), "arrays from .npy, .npz and ZIP64 .npz")


def check_text(out):
    with open(os.path.join(out, "results.json")) as f:
        r = json.load(f)
    assert r["name"] == 'sample "run"\n' and r["seed"] == 42 and r["dt"] == 0.1 and r["tiny"] == 5e-324, r
    assert r["losses"] == [0.5, 0.25, 1.0 / 3.0] and r["ok"] is True and r["none"] is None, r

    with open(os.path.join(out, "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    assert [(int(r["epoch"]), float(r["loss"])) for r in rows] == [(e, 1.0 / e) for e in (1, 2, 3)], rows
    with open(os.path.join(out, "metrics.jsonl")) as f:
        rows = [json.loads(line) for line in f]
    assert [(r["epoch"], r["loss"]) for r in rows] == [(e, 1.0 / e) for e in (1, 2, 3)], rows

    ns = "{http://www.w3.org/2000/svg}"
    for name, panels in (("loss.svg", 1), ("trajectories.svg", 1), ("field.svg", 2)):
        root = ET.parse(os.path.join(out, name)).getroot()
        assert root.tag == ns + "svg", root.tag
        assert len(root.findall(ns + "g")) == panels, name
        assert all(math.isfinite(float(v)) for v in (root.get("width"), root.get("height")))
    print("json, csv and xml.etree read results.json, metrics.csv/.jsonl and 3 SVG plots")


def main():
    writer, mode = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(shlex.split(os.environ.get("DG_EXE_WRAPPER", "")) + [writer, out], check=True)
        check_numpy(out) if mode == "numpy" else check_text(out)


if __name__ == "__main__":
    main()
