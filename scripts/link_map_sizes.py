#!/usr/bin/env python3
"""Sums the input sections a GNU ld link map keeps, by library, to say where a binary's bytes come from.

  scripts/link_map_sizes.py MAP [--objects N]

MAP comes from linking with -Wl,-Map,MAP (scripts/footprint.sh does). Counts the sections that
occupy bytes in a stripped file (code, read-only data, data, unwind tables); leaves out .bss,
.tbss and COMMON (no file bytes), debug sections and notes. Prints bytes per archive (libc.a,
libstdc++.a, ...; a plain object file counts under its own name) and, with --objects N, the N
largest archive members. Totals are of the sections themselves, without alignment padding, so they
fall a little short of the file size. Standard library only."""
import collections, os, re, sys

NO_FILE_BYTES = (".bss", ".tbss", "COMMON", ".debug", ".comment", ".note", ".gnu.warning", ".stab", ".gnu_debug")
ONE_LINE = re.compile(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
NAME_ONLY = re.compile(r"^ (\S+)$")
REST = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def kept_sections(lines):
    """(section name, size, file) of each input section in the memory map."""
    started = False
    pending = None
    for line in lines:
        if not started:
            started = line.startswith("Linker script and memory map")
            continue
        if pending is not None:
            m = REST.match(line)
            if m:
                yield pending, int(m.group(2), 16), m.group(3)
            pending = None
            continue
        m = ONE_LINE.match(line)
        if m:
            yield m.group(1), int(m.group(3), 16), m.group(4)
            continue
        m = NAME_ONLY.match(line)
        if m:
            pending = m.group(1)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    objects = int(args[args.index("--objects") + 1]) if "--objects" in args else 0
    by_library = collections.Counter()
    by_member = collections.Counter()
    with open(args[0]) as f:
        for name, size, where in kept_sections(f.read().splitlines()):
            if size == 0 or name.startswith(NO_FILE_BYTES) or where.startswith("load address"):
                continue
            archive, _, member = where.partition("(")
            by_library[os.path.basename(archive)] += size
            if member:
                by_member[f"{os.path.basename(archive)}({member}"] += size
    total = sum(by_library.values())
    print(f"{'library':<32} {'bytes':>10}  share")
    for library, size in by_library.most_common():
        print(f"{library:<32} {size:>10}  {100.0 * size / total:5.1f}%")
    print(f"{'total':<32} {total:>10}")
    if objects:
        print(f"\nlargest {objects} archive members:")
        for member, size in by_member.most_common(objects):
            print(f"{size:>10}  {member}")


if __name__ == "__main__":
    main()
