#!/usr/bin/env python3
"""capi_rollout.py: the C example capi_rollout.c in Python, through ctypes (standard library only).

Loads a field-discovery checkpoint (checkpoint_field.npz from `field_discovery --out DIR`) with
libdynagrad_shared.so (the C interface, dynagrad.h), rolls 5 charged particles forward and prints
the same lines as capi_rollout.c: the test suite compares the two outputs.

    capi_rollout.py LIBRARY CHECKPOINT [frames (20)] [substeps (10)]

LIBRARY is the path of libdynagrad_shared.so (in the build folder's capi/, or the install's lib/).
Exit status: 0 done, 1 a dynagrad call failed (its message on stderr), 2 bad arguments.
"""
import ctypes
import sys

PARTICLES = 5
DG_OK = 0


def load_library(path):
    lib = ctypes.CDLL(path)
    c_double_p = ctypes.POINTER(ctypes.c_double)
    handle = ctypes.c_void_p
    signatures = {
        "dg_last_error": (ctypes.c_char_p, []),
        "dg_status_name": (ctypes.c_char_p, [ctypes.c_int]),
        "dg_model_load": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_double, ctypes.POINTER(handle)]),
        "dg_model_free": (None, [handle]),
        "dg_model_parameters": (ctypes.c_size_t, [handle]),
        "dg_model_has_field": (ctypes.c_int, [handle]),
        "dg_rollout_create": (ctypes.c_int, [handle, ctypes.c_size_t, c_double_p, c_double_p, c_double_p,
                                             ctypes.c_double, ctypes.c_int, ctypes.POINTER(handle)]),
        "dg_rollout_free": (None, [handle]),
        "dg_rollout_step": (ctypes.c_int, [handle]),
        "dg_rollout_positions": (ctypes.c_int, [handle, c_double_p]),
        "dg_rollout_field": (ctypes.c_int, [handle, c_double_p, ctypes.c_size_t, c_double_p]),
    }
    for name, (result, arguments) in signatures.items():
        function = getattr(lib, name)
        function.restype = result
        function.argtypes = arguments
    return lib


class DynagradError(RuntimeError):
    pass


def check(lib, what, status):
    if status != DG_OK:
        raise DynagradError("%s failed (%s): %s" % (what, lib.dg_status_name(status).decode(),
                                                     lib.dg_last_error().decode()))


def doubles(values):
    return (ctypes.c_double * len(values))(*values)


def g9(x):
    """C's %.9g."""
    return "%.9g" % x


def main(argv):
    if not 3 <= len(argv) <= 5:
        print("usage: capi_rollout.py LIBRARY CHECKPOINT [frames (20)] [substeps (10)]", file=sys.stderr)
        return 2
    frames = int(argv[3]) if len(argv) > 3 else 20
    substeps = int(argv[4]) if len(argv) > 4 else 10
    if frames < 1 or substeps < 1:
        print("capi_rollout.py: frames and substeps must be at least 1", file=sys.stderr)
        return 2
    lib = load_library(argv[1])
    # The state of capi_rollout.c: five particles on a circle, moving slowly around it.
    circle = [(1.0, 0.0), (0.309, 0.951), (-0.809, 0.588), (-0.809, -0.588), (0.309, -0.951)]
    positions = doubles([c for p in circle for c in p])
    velocities = doubles([c for x, y in circle for c in (-0.1 * y, 0.1 * x)])
    charges = doubles([-1.0 if i % 2 else 1.0 for i in range(PARTICLES)])

    model, rollout = ctypes.c_void_p(), ctypes.c_void_p()
    try:
        check(lib, "dg_model_load", lib.dg_model_load(argv[2].encode(), 0.0, ctypes.byref(model)))
        check(lib, "dg_rollout_create", lib.dg_rollout_create(model, PARTICLES, positions, velocities, charges, 0.1,
                                                              substeps, ctypes.byref(rollout)))
        has_field = lib.dg_model_has_field(model)
        print("model: %d parameters, %s field" % (lib.dg_model_parameters(model), "with a" if has_field else "no"))
        xy = (ctypes.c_double * (2 * PARTICLES))()
        for k in range(1, frames + 1):
            check(lib, "a rollout call", lib.dg_rollout_step(rollout))
            check(lib, "dg_rollout_positions", lib.dg_rollout_positions(rollout, xy))
            print("frame %d: %s" % (k, " ".join(g9(x) for x in xy)))
        if has_field:
            field = (ctypes.c_double * 2)()
            check(lib, "dg_rollout_field", lib.dg_rollout_field(rollout, doubles([0.0, 0.0]), 1, field))
            print("field at (0, 0): %s %s" % (g9(field[0]), g9(field[1])))
    except DynagradError as e:
        print("capi_rollout.py: %s" % e, file=sys.stderr)
        return 1
    finally:
        lib.dg_rollout_free(rollout)
        lib.dg_model_free(model)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
