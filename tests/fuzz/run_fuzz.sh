#!/bin/sh
# Builds the io/ fuzz target with clang (its own build folder, build-fuzz/) and runs it for the
# given number of seconds (default 30) over the checked-in corpus: the malformed files of
# tests/data/npy_corpus, the numpy-written files of tests/data/numpy and tests/data/fuzz_seeds.
# Exits non-zero on a finding; the input that triggered it is kept in build-fuzz/artifacts/.
# Needs clang++ and libFuzzer's runtime (Debian 12: apt-get install clang libclang-rt-14-dev).
# Usage: tests/fuzz/run_fuzz.sh [seconds]    Environment: DG_FUZZ_BUILD (build folder)
set -eu
seconds=${1:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${DG_FUZZ_BUILD:-$root/build-fuzz}
cxx=${CXX:-clang++}
case "$cxx" in *clang*) ;; *) cxx=clang++ ;; esac

command -v "$cxx" >/dev/null || { echo "run_fuzz.sh: $cxx not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
if [ ! -f "$build/build.ninja" ]; then
  CXX="$cxx" meson setup "$build" "$root" -Dfuzz=true -Dexamples=false -Dbenchmarks=false \
    -Dopenmp=disabled -Dbuildtype=debugoptimized -Db_ndebug=false
fi
ninja -C "$build" tests/io/fuzz_io

# Work on a copy of the seeds: libFuzzer adds the inputs it finds interesting to its corpus.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$build/artifacts"
cp "$root"/tests/data/npy_corpus/* "$root"/tests/data/numpy/* "$root"/tests/data/fuzz_seeds/* "$work/corpus/"

status=0
"$build/tests/io/fuzz_io" -max_total_time="$seconds" -max_len=65536 -timeout=10 -malloc_limit_mb=512 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$work/corpus" || status=$?
if [ "$status" -ne 0 ]; then
  echo "run_fuzz.sh: FINDING (exit $status); reproduce with: $build/tests/io/fuzz_io $build/artifacts/<file>" >&2
  exit 1
fi
echo "run_fuzz.sh: no finding in ${seconds} s"
