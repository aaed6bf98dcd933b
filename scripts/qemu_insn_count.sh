#!/usr/bin/env bash
# Instruction counts of the benchmarks of an aarch64 build under qemu-user (BENCHMARKS.md): the
# EGNN step, the MLP step and a frame of the inference rollout, as guest instructions executed,
# which do not depend on the speed of the emulation or of the machine. Counted by the QEMU plugin
# of benchmarks/qemu_insn_count.c (built here with the host's gcc). Each benchmark runs twice with
# one thread, with 1 and with 4 timed repeats (DG_BENCH_REPEATS, the same warm-up), and the count
# per step is the difference divided by 3 (set-up and warm-up cancel out).
# Usage: scripts/qemu_insn_count.sh [BUILD_DIR]   (default build-portable/aarch64, built with benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-portable/aarch64}
plugin=$dir/qemu_insn_count.so
gcc -shared -fPIC -O2 -Wall -Wextra -o "$plugin" benchmarks/qemu_insn_count.c
count() {  # count PROGRAM NAME REPEATS -> instructions of the whole run
  DG_BENCH_ONLY=$2 DG_BENCH_REPEATS=$3 OMP_NUM_THREADS=1 \
    qemu-aarch64 -L /usr/aarch64-linux-gnu -plugin "$plugin" "$dir/benchmarks/$1" 1 2>&1 >/dev/null |
    sed -n 's/^insns: //p'
}
# program, benchmark name, steps per timed repeat (the rollout times 200 frames per repeat)
while read -r program name per_repeat; do
  one=$(count "$program" "$name" 1)
  four=$(count "$program" "$name" 4)
  echo "$name insns_per_step=$(((four - one) / 3 / per_repeat)) (runs of 1 and 4 repeats: $one, $four)"
done <<'LIST'
bench_egnn egnn_step 1
bench_egnn egnn_field_step 1
bench_autodiff mlp 1
bench_inference inference_frame 200
LIST
