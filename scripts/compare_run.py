#!/usr/bin/env python3
"""Compares two output folders of an example run, ignoring what depends on timing.

  scripts/compare_run.py BASELINE_DIR NEW_DIR

.npz files: every array of the baseline must be byte-identical in the new file (the .npy member
of the zip, header and data); arrays only in the new file are listed (e.g. checkpoint metadata
added later). .csv files: identical except a 'seconds' column. results.json: identical except
keys naming seconds or times ('seconds', 'train_seconds', 'train_seconds_all_runs', 'ms_per_step'). Other files: byte-equal.
Exit status 0 when everything matches, 1 otherwise. Standard library only (no numpy)."""
import json, os, sys, zipfile

TIMING = {"seconds", "train_seconds", "train_seconds_all_runs", "ms_per_step"}


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in TIMING}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def csv_rows(path):
    with open(path) as f:
        lines = f.read().splitlines()
    header = lines[0].split(",")
    keep = [i for i, c in enumerate(header) if c != "seconds"]
    return [[row.split(",")[i] for i in keep] for row in lines]


def compare(base, new):
    name = os.path.basename(base)
    if name.endswith(".npz"):
        with zipfile.ZipFile(base) as a, zipfile.ZipFile(new) as b:
            missing = [n for n in a.namelist() if n not in b.namelist()]
            differ = [n for n in a.namelist() if n in b.namelist() and a.read(n) != b.read(n)]
            added = [n for n in b.namelist() if n not in a.namelist()]
        ok = not missing and not differ
        extra = f" (added: {', '.join(added)})" if added else ""
        detail = f"missing {missing} differ {differ}" if not ok else f"all {len(a.namelist())} arrays identical{extra}"
        return ok, detail
    if name.endswith(".csv"):
        ok = csv_rows(base) == csv_rows(new)
        return ok, "identical but for seconds" if ok else "rows differ"
    if name == "results.json":
        with open(base) as f1, open(new) as f2:
            a, b = strip(json.load(f1)), strip(json.load(f2))
        ok = a == b
        return ok, "identical but for timing" if ok else "differs (beyond timing)"
    with open(base, "rb") as f1, open(new, "rb") as f2:
        ok = f1.read() == f2.read()
    return ok, "byte-identical" if ok else "bytes differ"


def main():
    base_dir, new_dir = sys.argv[1], sys.argv[2]
    all_ok = True
    for name in sorted(os.listdir(base_dir)):
        new = os.path.join(new_dir, name)
        if not os.path.exists(new):
            print(f"MISSING {name}")
            all_ok = False
            continue
        ok, detail = compare(os.path.join(base_dir, name), new)
        print(f"{'same' if ok else 'DIFF'} {name}: {detail}")
        all_ok = all_ok and ok
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
