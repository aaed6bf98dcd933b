#!/usr/bin/env bash
# Builds and tests dynagrad for each target instruction set, then checks that the same small
# training gives the same checkpoint on each to a stated tolerance (docs/portability.md):
#   x86-64     the baseline (SSE2; no row kernel: Eigen everywhere)
#   x86-64-v3  AVX2 + FMA (the row kernel's AVX2 path)
#   x86-64-v4  AVX-512 (its AVX-512 path)
#   aarch64    cross-compiled with Debian's g++-aarch64-linux-gnu (cross/aarch64-linux-gnu.ini),
#              tests run under qemu-user (its NEON path)
# Each in build-portable/<target>, library, tests and benchmarks only (-Dexamples=false: the
# examples' --quick runs are covered by the native build), one after another (ccache keeps
# rebuilds cheap). An x86 level this CPU cannot run is built but not tested.
# Usage: scripts/portable_builds.sh [--fast] [--no-compare] [--no-benchmarks] [TARGET...]   (default: all four)
#   NINJA_JOBS=N in the environment: ninja -j N (default: ninja's own)
#   --fast  aarch64: leave out the tests that take over a minute or hang under qemu (list below)
#   --no-benchmarks  configure new build folders without the benchmarks (CI: .ci/run)
# Installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
fast=0 compare=1 benchmarks=true targets=()
for a in "$@"; do
  case "$a" in
    --fast) fast=1 ;;
    --no-compare) compare=0 ;;
    --no-benchmarks) benchmarks=false ;;
    x86-64 | x86-64-v3 | x86-64-v4 | aarch64) targets+=("$a") ;;
    *) echo "usage: $0 [--fast] [--no-compare] [--no-benchmarks] [x86-64|x86-64-v3|x86-64-v4|aarch64]..." >&2; exit 2 ;;
  esac
done
((${#targets[@]})) || targets=(x86-64 x86-64-v3 x86-64-v4 aarch64)
# --fast under qemu leaves out the tests that take over 2.5 s natively (meson's log of the native
# build, on a loaded machine): emulation is 10-40x slower. The x86 builds run them. It also leaves
# out the three tests whose program forks (io/csv, io/atomic_write, nn/checkpoint: a child killed
# midway): under Debian's qemu-user 7.2 on this machine's kernel (Linux 6.18) a forked child spins
# for ever, even in a C program that only forks and exits, so they hang until meson kills them.
# The same bug hangs a guest that starts a second thread (a C program that creates and joins one
# pthread hangs), so it also leaves out the tests that run with 2 threads to compare the bits
# (set_num_threads(2) or the 1-and-2-threads helper of tests/nn/graph_test_helpers.hpp).
# Kept: every other test, among them autodiff/matmul and portable/row_kernel_vs_eigen (the NEON
# row kernel).
slow_under_qemu=(autodiff/threads autodiff/ops_gradcheck autodiff/tape nn/checkpoint nn/field_fit_fourier
  nn/field_fit_siren nn/field_derivatives integrators/langevin datasets/own_dataset io/atomic_write io/csv
  distributed/sharded_gradient distributed/sharded_allocation nn/trainer nn/graph_egnn
  nn/graph_message_passing physics/cell_list datasets/cli datasets/determinism)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"  # as scripts/quickstart.sh test
start=$(date +%s)
phase() { echo "=== [$(($(date +%s) - start)) s] $*"; }

install_missing() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

cpu_runs() {  # can this CPU run code built for target $1?
  local flags
  flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
  case "$1" in
    x86-64) [ "$(uname -m)" = x86_64 ] ;;
    x86-64-v3) [[ "$flags" == *" avx2 "* && "$flags" == *" fma "* && "$flags" == *" bmi2 "* ]] ;;
    x86-64-v4) [[ "$flags" == *" avx512f "* && "$flags" == *" avx512bw "* && "$flags" == *" avx512vl "* ]] ;;
    aarch64) true ;;  # natively or under qemu-user
  esac
}

results=()
for t in "${targets[@]}"; do
  dir=build-portable/$t
  unset run_env
  phase "$t: configure and build ($dir)"
  if [ "$t" = aarch64 ]; then
    if [ "$(uname -m)" = aarch64 ]; then
      setup=(-Darch=none)
      wrap=()
    else
      dpkg --print-foreign-architectures | grep -qx arm64 || { dpkg --add-architecture arm64; apt-get update -qq; }
      install_missing g++-aarch64-linux-gnu qemu-user zlib1g-dev:arm64 libeigen3-dev doctest-dev python3-numpy
      setup=(--cross-file cross/aarch64-linux-gnu.ini)
      if command -v ccache >/dev/null; then  # a copy of the cross file with ccache in front of the compilers
        mkdir -p build-portable                # (a second cross file would replace the whole [binaries])
        sed -E "s/^(c|cpp) = '(.*)'$/\1 = ['ccache', '\2']/" cross/aarch64-linux-gnu.ini >build-portable/aarch64-ccache.ini
        setup=(--cross-file build-portable/aarch64-ccache.ini)
      fi
      wrap=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
      # One OpenMP thread under emulation: a spinning thread starves the other (docs/portability.md).
      run_env=(env OMP_NUM_THREADS=1)
    fi
  else
    [ "$(uname -m)" = x86_64 ] || { echo "skipped: $t needs an x86-64 host"; continue; }
    install_missing g++ meson ninja-build pkg-config libeigen3-dev doctest-dev "zlib1g-dev:$(dpkg --print-architecture)" python3-numpy
    setup=(-Darch="$t")
    wrap=()
  fi
  [ -v run_env ] || run_env=()
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "${setup[@]}" -Dexamples=false -Dbenchmarks="$benchmarks"
  ninja -C "$dir" ${NINJA_JOBS:+-j "$NINJA_JOBS"}
  if ! cpu_runs "$t"; then
    echo "not tested: this CPU cannot run $t code"
    continue
  fi
  phase "$t: tests"
  skip=()
  if ((fast)) && [ "$t" = aarch64 ] && ((${#wrap[@]})); then
    tests=()
    mapfile -t all < <(meson test -C "$dir" --list --no-rebuild 2>/dev/null | grep -v '^ninja:' | sed 's|^.* / ||')
    for n in "${all[@]}"; do
      [[ " ${slow_under_qemu[*]} " == *" $n "* ]] && skip+=("$n") || tests+=("$n")
    done
    echo "left out under qemu (--fast): ${skip[*]}"
    "${run_env[@]}" meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 4 "${tests[@]}"
  else
    "${run_env[@]}" meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier "$( ((${#wrap[@]})) && echo 8 || echo 1)"
  fi
  phase "$t: the small training (tests/portable/train_small)"
  "${run_env[@]}" "${wrap[@]}" "$dir/tests/portable/train_small" "$dir/train_small.npz"
  results+=("$t")
done

if ((compare)) && ((${#results[@]} > 1)); then
  phase "checkpoints of the small training against ${results[0]}'s (tolerance: docs/portability.md)"
  for t in "${results[@]:1}"; do
    /usr/bin/python3 scripts/compare_checkpoints.py --rtol 1e-3 \
      "build-portable/${results[0]}/train_small.npz" "build-portable/$t/train_small.npz"
  done
fi
phase "portable builds passed: ${results[*]}"
