"""Opens a dynagrad checkpoint with numpy alone, as docs/checkpoints.md describes it.

  check_checkpoint.py WRITE_CHECKPOINT numpy

Runs WRITE_CHECKPOINT into a temporary folder, then checks the array names, dtypes and shapes,
the metadata (version, step, UTF-8 description), the AdamW state, and that the MLP recomputed
from the arrays (y = tanh(x W + b) per hidden layer, W of shape (in, out)) gives the output the
tape computed. Run by tests/io/check_with_python.sh, which skips when numpy is missing.
"""
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np


def text(a):
    return bytes(a.astype(np.uint8)).decode("utf-8")


def main():
    writer = sys.argv[1]
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(shlex.split(os.environ.get("DG_EXE_WRAPPER", "")) + [writer, out], check=True)
        ck = np.load(out + "/model.npz")
        expected = np.load(out + "/expected.npz")

        layers = [("layers.%d.weight" % i, "layers.%d.bias" % i) for i in range(3)]
        widths = [3, 8, 8, 2]
        params = [name for pair in layers for name in pair]
        want = set(params)
        want |= {"optim.adamw.step", "meta.version", "meta.step", "meta.description", "meta.optimizer"}
        want |= {"optim.adamw.%s.%s" % (m, p) for m in ("m", "v") for p in params}
        assert set(ck.files) == want, sorted(set(ck.files) ^ want)

        for i, (w, b) in enumerate(layers):
            assert ck[w].dtype == np.float32 and ck[w].shape == (widths[i], widths[i + 1]), (w, ck[w].shape)
            assert ck[b].dtype == np.float32 and ck[b].shape == (widths[i + 1],), (b, ck[b].shape)
        for p in params:
            assert ck["optim.adamw.m." + p].shape == ck[p].shape
            assert (ck["optim.adamw.v." + p] >= 0).all()
        assert ck["optim.adamw.step"].dtype == np.int64 and int(ck["optim.adamw.step"]) == 1
        assert ck["meta.version"].shape == () and int(ck["meta.version"]) == 1
        assert int(ck["meta.step"]) == 7
        assert text(ck["meta.description"]) == "test model \u00fc", text(ck["meta.description"])
        assert text(ck["meta.optimizer"]).startswith("AdamW(lr=0.01")

        # The forward pass from the arrays alone.
        h = expected["x"].astype(np.float64)
        for i, (w, b) in enumerate(layers):
            h = h @ ck[w].astype(np.float64) + ck[b].astype(np.float64)
            if i < 2:
                h = np.tanh(h)
        np.testing.assert_allclose(h, expected["y"], rtol=1e-5, atol=1e-6)
    print("numpy reads the checkpoint: names, dtypes, shapes, metadata and forward pass agree")


if __name__ == "__main__":
    main()
