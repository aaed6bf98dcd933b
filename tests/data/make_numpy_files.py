#!/usr/bin/python3
"""Writes the small .npy/.npz test files of dynagrad's io/ tests (run with Debian's python3 + numpy).

  tests/data/numpy/        valid files written by numpy itself; tests/io/numpy_files_test.cpp
                           recomputes every value from the formulas noted here.
  tests/data/npy_corpus/   malformed files (also the fuzzer's seed corpus); the error fragment each
                           must produce is listed in tests/data/npy_corpus_expected.txt.

Usage: /usr/bin/python3 tests/data/make_numpy_files.py   (from the repository root; deterministic)
"""
import io
import os
import struct
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, "numpy")
CORPUS = os.path.join(HERE, "npy_corpus")


def save(path, array, version=None):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=version)


def npy_bytes(array):
    b = io.BytesIO()
    np.save(b, array)
    return b.getvalue()


def write_valid():
    os.makedirs(VALID, exist_ok=True)
    # a[i, j] = (4 i + j) * 0.25 - 1
    save(os.path.join(VALID, "f64_3x4.npy"), np.arange(12, dtype=np.float64).reshape(3, 4) * 0.25 - 1.0)
    # a[i, j, k] = (6 i + 2 j + k) / 8
    save(os.path.join(VALID, "f32_2x3x2.npy"), np.arange(12, dtype=np.float32).reshape(2, 3, 2) / np.float32(8))
    # 0-d: float32(1/3)
    save(os.path.join(VALID, "f32_scalar.npy"), np.float32(1.0 / 3.0))
    # a[i] = (i - 5) * 1000000007, i = 0..9
    save(os.path.join(VALID, "i64_arange.npy"), (np.arange(10, dtype=np.int64) - 5) * 1000000007)
    # empty (0, 3) int32
    save(os.path.join(VALID, "i32_empty.npy"), np.zeros((0, 3), dtype=np.int32))
    # format version 2.0: a[i] = -i, int32, i = 0..6
    save(os.path.join(VALID, "i32_v2.npy"), -np.arange(7, dtype=np.int32), version=(2, 0))
    # an .npz as numpy.savez writes it (local ZIP64 extra fields, forced by numpy):
    #   positions[s, t, d] = s + 0.1 t - 0.01 d  (2, 4, 3) float64
    #   charges[i] = (-1)^i (i + 1) / 2          (5,) float32
    #   steps[i] = 10 i                          (4,) int64
    #   ids[i, j] = 3 i + j                      (2, 3) int32
    #   dt = 0.001                               () float64
    s, t, d = np.meshgrid(np.arange(2), np.arange(4), np.arange(3), indexing="ij")
    np.savez(os.path.join(VALID, "arrays.npz"),
             positions=s + 0.1 * t - 0.01 * d,
             charges=np.array([(-1) ** i * (i + 1) / 2 for i in range(5)], dtype=np.float32),
             steps=np.arange(4, dtype=np.int64) * 10,
             ids=np.arange(6, dtype=np.int32).reshape(2, 3),
             dt=np.float64(0.001))
    np.savez(os.path.join(VALID, "empty.npz"))


# ---- hand-made malformed .npy files --------------------------------------------------------------

def npy_raw(header, data=b"", version=(1, 0), length=None):
    """Magic + version + header length + header text (padded like numpy) + data."""
    text = header.encode("latin1")
    fmt = "<H" if version[0] == 1 else "<I"
    pre = 6 + 2 + struct.calcsize(fmt)
    pad = 64 - (pre + len(text) + 1) % 64
    text = text + b" " * pad + b"\n"
    n = len(text) if length is None else length
    return b"\x93NUMPY" + bytes(version) + struct.pack(fmt, n) + text + data


def dict_header(descr="'<f8'", fortran="False", shape="(3,)"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


# ---- hand-made zip archives ----------------------------------------------------------------------

def zip_raw(entries, cd_offset_delta=0, central_overrides=None):
    """A stored zip built by hand. entries: list of dicts with name, data and optional
    flags, method, crc, offset (local header offset written in the central directory)."""
    out, central = b"", b""
    for e in entries:
        name = e["name"].encode()
        data = e["data"]
        crc = e.get("crc", zlib.crc32(data))
        e.setdefault("offset", len(out))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.get("flags", 0), e.get("method", 0), 0, 0x21,
                           crc, len(data), len(data), len(name), 0) + name + e.get("raw", data)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.get("flags", 0), e.get("method", 0),
                               0, 0x21, crc, len(data), len(data), len(name), 0, 0, 0, 0, 0,
                               e["offset"]) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                      len(out) + cd_offset_delta, 0)
    return out + central + end


def write_corpus():
    os.makedirs(CORPUS, exist_ok=True)
    good = npy_bytes(np.arange(3, dtype=np.float64))
    cases = {
        # .npy preamble
        "empty.npy": b"",
        "bad_magic.npy": b"\x93NUMPZ" + good[6:],
        "version_3_0.npy": good[:6] + b"\x03\x00" + good[8:],
        "version_1_1.npy": good[:6] + b"\x01\x01" + good[8:],
        "truncated_preamble.npy": good[:8],
        "header_len_overflow.npy": b"\x93NUMPY\x02\x00\xff\xff\xff\xff{'descr'",
        "truncated_header.npy": good[:40],
        # .npy header dict
        "header_not_dict.npy": npy_raw("[1, 2]"),
        "header_missing_shape.npy": npy_raw("{'descr': '<f8', 'fortran_order': False}"),
        "header_duplicate_key.npy": npy_raw("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}"),
        "header_extra_key.npy": npy_raw("{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}"),
        "header_unterminated_string.npy": npy_raw("{'descr: '<f8', 'fortran_order': False, 'shape': ()}"),
        "header_shape_not_tuple.npy": npy_raw(dict_header(shape="(3)"), b"\0" * 24),
        "header_fortran_not_bool.npy": npy_raw(dict_header(fortran="1"), b"\0" * 24),
        "header_text_after_dict.npy": npy_raw(dict_header() + " x", b"\0" * 24),
        "header_int_too_large.npy": npy_raw(dict_header(shape="(99999999999999999999,)")),
        "header_binary.npy": npy_raw("{'descr': '\x01\xff"),
        # dtype, order, shape, size
        "fortran_order.npy": npy_bytes(np.asfortranarray(np.arange(6.0).reshape(2, 3))),
        "big_endian.npy": npy_bytes(np.arange(3, dtype=">f8")),
        "complex_dtype.npy": npy_bytes(np.arange(3, dtype=np.complex128)),
        "bool_dtype.npy": npy_bytes(np.array([True, False])),
        "structured_dtype.npy": npy_bytes(np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")])),
        "negative_dim.npy": npy_raw(dict_header(shape="(2, -3)")),
        "shape_overflow.npy": npy_raw(dict_header(shape="(1099511627776, 1099511627776)")),
        "truncated_data.npy": npy_bytes(np.arange(12, dtype=np.float64))[:128 + 50],
        "trailing_garbage.npy": good + b"garbage",
    }

    # .npz archives
    arr = npy_bytes(np.arange(4, dtype=np.int32))
    b = io.BytesIO()
    np.savez_compressed(b, x=np.arange(100.0))
    cases["compressed.npz"] = b.getvalue()
    b = io.BytesIO()
    np.savez(b, x=np.arange(10.0), y=np.arange(5, dtype=np.int64))
    cases["truncated.npz"] = b.getvalue()[:300]
    cases["not_a_zip.npz"] = b"this is not a zip file at all, just some text" * 3
    cases["crc_mismatch.npz"] = zip_raw([{"name": "x.npy", "data": arr, "crc": zlib.crc32(arr) ^ 1}])
    cases["not_npy_entry.npz"] = zip_raw([{"name": "readme.txt", "data": b"hello"}])
    cases["duplicate_names.npz"] = zip_raw([{"name": "x.npy", "data": arr}, {"name": "x.npy", "data": arr}])
    cases["encrypted.npz"] = zip_raw([{"name": "x.npy", "data": arr, "flags": 1}])
    cases["bzip2_method.npz"] = zip_raw([{"name": "x.npy", "data": arr, "method": 12}])
    cases["entry_outside.npz"] = zip_raw([{"name": "x.npy", "data": arr, "offset": 100000}])
    cases["cd_outside.npz"] = zip_raw([{"name": "x.npy", "data": arr}], cd_offset_delta=7)
    cases["bad_array_in_npz.npz"] = zip_raw([{"name": "positions.npy", "data": arr[:-6]}])
    # Entry "b" hides inside the data of entry "a": both CRCs are right, the spans overlap.
    inner_b = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, zlib.crc32(arr), len(arr), len(arr), 5, 0)
    a_data = b"junk" + inner_b + b"b.npy" + arr
    z = zip_raw([{"name": "a.npy", "data": a_data}, {"name": "b.npy", "data": arr, "offset": 30 + 5 + 4, "raw": b""}])
    cases["overlapping.npz"] = z
    # A ZIP64 locator (right before the end record) that points nowhere.
    z = zip_raw([{"name": "x.npy", "data": arr}])
    cases["bad_zip64_locator.npz"] = z[:-22] + struct.pack("<IIQI", 0x07064B50, 0, 1 << 40, 1) + z[-22:]

    for name, data in sorted(cases.items()):
        with open(os.path.join(CORPUS, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write_valid()
    write_corpus()
