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

    # Files as numpy users write them, converted on read (io/npy.hpp):
    #   f16[i] = (i - 3) / 4                     (8,) float16 -> float32
    #   be_f8[i, j] = 3 i + j + 0.5              (2, 3) big-endian float64
    #   be_i4[i] = (i - 2) * 70000               (5,) big-endian int32
    #   fortran[i, j, k] = 100 i + 10 j + k      (2, 3, 4) float64, Fortran order
    #   fortran_be_i2[i, j] = 10 i - j           (3, 2) big-endian int16, Fortran order
    #   mask[i] = i % 3 == 0                     (7,) bool -> int32 0/1
    #   u1[i] = 250 + i                          (6,) uint8 -> int32
    #   i1[i] = i - 128                          (256,) int8 -> int32
    #   i2[i] = (i - 4) * 8000                   (9,) int16 -> int32
    #   u2[i] = 65535 - i                        (3,) uint16 -> int32
    #   u4[i] = 4000000000 + i                   (3,) uint32 -> int64
    #   u8[i] = 2^62 + i                         (3,) uint64 -> int64
    save(os.path.join(VALID, "f16.npy"), ((np.arange(8) - 3) / 4).astype(np.float16))
    save(os.path.join(VALID, "be_f8.npy"), (np.arange(6).reshape(2, 3) + 0.5).astype(">f8"))
    save(os.path.join(VALID, "be_i4.npy"), ((np.arange(5) - 2) * 70000).astype(">i4"))
    i, j, k = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing="ij")
    save(os.path.join(VALID, "fortran.npy"), np.asfortranarray((100 * i + 10 * j + k).astype(np.float64)))
    i, j = np.meshgrid(np.arange(3), np.arange(2), indexing="ij")
    save(os.path.join(VALID, "fortran_be_i2.npy"), np.asfortranarray((10 * i - j).astype(">i2")))
    save(os.path.join(VALID, "mask.npy"), np.arange(7) % 3 == 0)
    save(os.path.join(VALID, "u1.npy"), (250 + np.arange(6)).astype(np.uint8))
    save(os.path.join(VALID, "i1.npy"), (np.arange(256) - 128).astype(np.int8))
    save(os.path.join(VALID, "i2.npy"), ((np.arange(9) - 4) * 8000).astype(np.int16))
    save(os.path.join(VALID, "u2.npy"), (65535 - np.arange(3)).astype(np.uint16))
    save(os.path.join(VALID, "u4.npy"), (4000000000 + np.arange(3)).astype(np.uint32))
    save(os.path.join(VALID, "u8.npy"), (2 ** 62 + np.arange(3)).astype(np.uint64))
    # numpy.savez_compressed (deflated members) with a bool mask among good arrays:
    #   positions[s, t, d] = s + 0.1 t - 0.01 d  (2, 4, 3) float64
    #   mask[i] = i % 2 == 1                     (5,) bool
    #   big[i] = i % 7                           (20000,) float32 (compresses well)
    s, t, d = np.meshgrid(np.arange(2), np.arange(4), np.arange(3), indexing="ij")
    np.savez_compressed(os.path.join(VALID, "compressed.npz"),
                        positions=s + 0.1 * t - 0.01 * d,
                        mask=np.arange(5) % 2 == 1,
                        big=(np.arange(20000) % 7).astype(np.float32))


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
    """A zip built by hand. entries: list of dicts with name, data and optional flags, method,
    crc, offset (local header offset written in the central directory), usize (uncompressed
    size, default len(data))."""
    out, central = b"", b""
    for e in entries:
        name = e["name"].encode()
        data = e["data"]
        crc = e.get("crc", zlib.crc32(data))
        usize = e.get("usize", len(data))
        e.setdefault("offset", len(out))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.get("flags", 0), e.get("method", 0), 0, 0x21,
                           crc, len(data), usize, len(name), 0) + name + e.get("raw", data)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.get("flags", 0), e.get("method", 0),
                               0, 0x21, crc, len(data), usize, len(name), 0, 0, 0, 0, 0,
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
        "complex_dtype.npy": npy_bytes(np.arange(3, dtype=np.complex128)),
        "object_dtype.npy": npy_bytes(np.array([1, "a", None], dtype=object)),
        "no_byte_order.npy": npy_raw(dict_header(descr="'|f8'"), b"\0" * 24),
        "u8_too_large.npy": npy_bytes(np.array([1, 2 ** 63 + 5], dtype=np.uint64)),
        "structured_dtype.npy": npy_bytes(np.zeros(2, dtype=[("a", "<f4"), ("b", "<i4")])),
        "negative_dim.npy": npy_raw(dict_header(shape="(2, -3)")),
        "shape_overflow.npy": npy_raw(dict_header(shape="(1099511627776, 1099511627776)")),
        "truncated_data.npy": npy_bytes(np.arange(12, dtype=np.float64))[:128 + 50],
        "trailing_garbage.npy": good + b"garbage",
    }

    # .npz archives
    arr = npy_bytes(np.arange(4, dtype=np.int32))
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
    # Deflated entries (method 8) that lie: bad data, cut short, longer than declared, a zip bomb.
    def deflate(data):
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()
    packed = deflate(arr)
    cases["deflate_bad_data.npz"] = zip_raw([{"name": "x.npy", "data": b"\xff" * 20, "method": 8,
                                              "usize": len(arr), "crc": zlib.crc32(arr)}])
    cases["deflate_truncated.npz"] = zip_raw([{"name": "x.npy", "data": packed[:len(packed) // 2], "method": 8,
                                               "usize": len(arr), "crc": zlib.crc32(arr)}])
    cases["deflate_longer.npz"] = zip_raw([{"name": "x.npy", "data": packed, "method": 8,
                                            "usize": len(arr) - 8, "crc": zlib.crc32(arr)}])
    cases["deflate_crc.npz"] = zip_raw([{"name": "x.npy", "data": packed, "method": 8,
                                         "usize": len(arr), "crc": zlib.crc32(arr) ^ 1}])
    cases["zip_bomb.npz"] = zip_raw([{"name": "x.npy", "data": packed, "method": 8,
                                      "usize": 1 << 31, "crc": 0}])
    # A ZIP64 locator (right before the end record) that points nowhere.
    z = zip_raw([{"name": "x.npy", "data": arr}])
    cases["bad_zip64_locator.npz"] = z[:-22] + struct.pack("<IIQI", 0x07064B50, 0, 1 << 40, 1) + z[-22:]

    for name, data in sorted(cases.items()):
        with open(os.path.join(CORPUS, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write_valid()
    write_corpus()
