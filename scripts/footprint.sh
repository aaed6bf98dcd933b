#!/usr/bin/env bash
# Footprint of the C example (README.md, "Footprint"): links examples/capi_rollout/capi_rollout.c
# statically against a build's libraries, strips it, and reports the stripped size, the peak
# resident memory (GNU time's "Maximum resident set size") and the time per frame of a rollout,
# then runs the build's allocation test (heap allocations per step after the first: 0).
# The library is compiled with -ffunction-sections -fdata-sections (meson.build), so linking with
# -Wl,--gc-sections drops every function the program never reaches (the backward passes, the
# double-precision instantiations, the checkpoint writer). The library formats its messages
# without iostreams (autodiff/message.hpp), so no std::locale or stream code is linked: the script
# counts such symbols in the unstripped binary (0 expected) and sums the link map by library
# (scripts/link_map_sizes.py).
# Usage: scripts/footprint.sh [BUILD_DIR (build)] [CHECKPOINT] [FRAMES (2000)]
#   CHECKPOINT: a checkpoint_field.npz (default: the build's tests/capi/field.npz, a small model;
#   the README's numbers use the field-discovery --quick run's checkpoint_field.npz)
# Writes the binaries to BUILD_DIR/footprint/. Needs gcc, strip, GNU time (package `time`) and
# the static libraries of glibc, libstdc++, libgomp and zlib (Debian: libc6-dev, libstdc++-12-dev,
# libgcc-12-dev, zlib1g-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
checkpoint=${2:-$dir/tests/capi/field.npz}
frames=${3:-2000}
[ -f "$dir/libdynagrad.a" ] && [ -f "$dir/capi/libdynagrad_c.a" ] || {
  echo "footprint: $dir has no libdynagrad.a and capi/libdynagrad_c.a (run ninja -C $dir first)" >&2
  exit 2
}
[ -f "$checkpoint" ] || { echo "footprint: no checkpoint $checkpoint" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "footprint: GNU time is missing (apt-get install time)" >&2; exit 2; }
out=$dir/footprint
mkdir -p "$out"
# OpenMP as the build has it (the same flag the library was compiled with).
if grep -q -- '-fopenmp' "$dir/build.ninja"; then omp=(-fopenmp) threads=(1 2); else omp=() threads=(1); fi
exe=$out/capi_rollout_static
gcc -std=c99 -O2 -Icapi "${omp[@]}" -pthread -c examples/capi_rollout/capi_rollout.c -o "$out/capi_rollout.o"
gcc "$out/capi_rollout.o" "$dir/capi/libdynagrad_c.a" "$dir/libdynagrad.a" \
  -static "${omp[@]}" -pthread -lstdc++ -lm -lz -Wl,--gc-sections -Wl,-Map,"$exe.map" -o "$exe"
strip -o "$exe.stripped" "$exe"
bytes=$(stat -c %s "$exe.stripped")
echo "openmp: $( ((${#omp[@]})) && echo on || echo off)"
echo "stripped static binary: $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }') MB; target < 2 MB:" \
  "$( ((bytes < 2000000)) && echo met || echo missed))"
# std::locale, its facets and the stream classes (what one std::ostringstream pulls in).
streams=$(nm "$exe" | grep -c -E '_ZN?K?St6locale|_ZN?K?St8ios_base|basic_ostringstream|_ZN?K?St7num_put|_ZN?K?St15basic_streambuf' || true)
echo "iostream and locale symbols linked: $streams"
/usr/bin/python3 scripts/link_map_sizes.py "$exe.map" | sed 's/^/  /'
for t in "${threads[@]}"; do
  /usr/bin/time -v "$exe.stripped" "$checkpoint" "$frames" 10 "$t" >/dev/null 2>"$out/time_$t.log"
  rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$out/time_$t.log")
  per_frame=$(grep -o '[0-9.]* us per frame' "$out/time_$t.log")
  echo "threads $t: peak resident memory $rss kB; $per_frame ($frames frames of 10 substeps)"
done
if [ -x "$dir/tests/capi/test_capi_allocation" ]; then
  "$dir/tests/capi/test_capi_allocation" "$checkpoint" | tail -n 1
fi
