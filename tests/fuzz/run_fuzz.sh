#!/bin/sh
# Builds the fuzz targets with clang (their own build folder, build-fuzz/) and runs each for the
# given number of seconds (default 30):
#   fuzz_io          the .npy/.npz/JSON readers, over the checked-in corpus: the malformed files of
#                    tests/data/npy_corpus, the numpy-written files of tests/data/numpy and
#                    tests/data/fuzz_seeds;
#   fuzz_checkpoint  the checkpoint reader (nn/checkpoint.hpp), from a checkpoint it writes itself
#                    and the .npz files of the corpus.
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
ninja -C "$build" tests/io/fuzz_io tests/io/fuzz_checkpoint

# Work on copies of the seeds: libFuzzer adds the inputs it finds interesting to its corpus.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/io" "$work/checkpoint" "$build/artifacts"
cp "$root"/tests/data/npy_corpus/* "$root"/tests/data/numpy/* "$root"/tests/data/fuzz_seeds/* "$work/io/"
cp "$root"/tests/data/npy_corpus/*.npz "$root"/tests/data/numpy/*.npz "$work/checkpoint/"
DG_FUZZ_WRITE_SEED="$work/checkpoint/seed_checkpoint.npz" "$build/tests/io/fuzz_checkpoint"

status=0
for target in io checkpoint; do
  "$build/tests/io/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -malloc_limit_mb=512 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$work/$target" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "run_fuzz.sh: FINDING in fuzz_$target (exit $status); reproduce with: $build/tests/io/fuzz_$target $build/artifacts/<file>" >&2
    exit 1
  fi
done
echo "run_fuzz.sh: no finding in ${seconds} s per target (fuzz_io, fuzz_checkpoint)"
