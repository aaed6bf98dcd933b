#!/usr/bin/env bash
# The GPU check of the CUDA backend (issue 20, docs/cuda.md): builds the backend, its tests, the
# EGNN benchmarks and field_discovery; runs the backend test (every op forward and backward against
# the CPU, guard bytes, bit identity), the tape's dispatch test on the GPU (training steps, second
# order, no cudaMalloc after the first step), the EGNN step on the GPU (100 and 10,000 graphs)
# against the 2-thread CPU step and PyTorch (when installed with CUDA), and field_discovery --quick
# --device cuda; then prints one table. Meant for a machine with an NVIDIA GPU (H100 class, CUDA 12+,
# no network): it uses Meson when installed, else builds with nvcc and g++ directly (Eigen's
# headers are the one thing it needs besides CUDA: /usr/include/eigen3 or EIGEN_INCLUDE=DIR).
# Without a GPU it builds, then says that nothing ran, and exits 2.
#   bash scripts/gpu_check.sh [--plain]      (--plain: skip Meson even where it is installed)
# Runs in a few minutes (the build is most of it). Exit: 0 all passed, 1 a check failed, 2 no GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="/usr/local/cuda/bin:$PATH"
plain=0
[ "${1:-}" = "--plain" ] && plain=1
start=$(date +%s)
rows=()  # "check|result|seconds"
row() { rows+=("$1|$2|$3"); }
table() {
  echo
  local gpu
  gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
  echo "=== gpu_check on ${gpu:-no GPU that nvidia-smi can see}, $(nvcc --version | grep -o 'release [0-9.]*')"
  printf '%-48s | %-64s | %s\n' "check" "result" "s"
  printf '%s\n' "-------------------------------------------------+------------------------------------------------------------------+-----"
  for r in "${rows[@]}"; do IFS='|' read -r a b c <<<"$r"; printf '%-48s | %-64s | %s\n' "$a" "$b" "$c"; done
  echo "total $(( $(date +%s) - start )) s"
}
command -v nvcc >/dev/null || { echo "gpu_check: nvcc not found (looked in PATH and /usr/local/cuda/bin)"; exit 1; }

# ---- build ------------------------------------------------------------------------------------
# The backend test, the tape's dispatch test, the GPU and CPU EGNN benchmarks and field_discovery.
t0=$(date +%s)
mkdir -p build-gpu-check
log=build-gpu-check/gpu_check_build.log
if [ $plain = 0 ] && command -v meson >/dev/null && command -v ninja >/dev/null; then
  how="meson, build-gpu-check/"
  opts=(-Dcuda=enabled -Dexamples=true -Dbenchmarks=true -Dmpi=disabled)
  { if [ -f build-gpu-check/build.ninja ]; then meson configure build-gpu-check "${opts[@]}"
    else meson setup build-gpu-check "${opts[@]}"; fi; } >"$log" 2>&1 &&
    ninja -C build-gpu-check tests/cuda/test_cuda_backend_ops tests/cuda/test_cuda_tape_dispatch \
      benchmarks/bench_egnn_device benchmarks/bench_egnn examples/field_discovery >>"$log" 2>&1
  built=$?
  exe=build-gpu-check
  test_exe=$exe/tests/cuda/test_cuda_backend_ops
  dispatch_exe=$exe/tests/cuda/test_cuda_tape_dispatch
  bench_dir=$exe/benchmarks
  field_exe=$exe/examples/field_discovery
else
  how="nvcc + g++ directly, build-gpu-plain/"
  out=build-gpu-plain
  mkdir -p "$out/obj"
  eigen=${EIGEN_INCLUDE:-/usr/include/eigen3}
  cxx=${CXX:-g++}
  flags=(-std=c++20 -O2 -DNDEBUG -DDYNAGRAD_CUDA=1 -DEIGEN_DONT_PARALLELIZE -fno-math-errno -I"$root" -isystem "$eigen")
  cuda_home=$(dirname "$(dirname "$(command -v nvcc)")")
  libs=(-L"$cuda_home/lib64" -lcublas -lcudart -lz -fopenmp -pthread)
  built=0
  if [ ! -f "$eigen/Eigen/Core" ]; then
    echo "gpu_check: Eigen's headers not found in $eigen (set EIGEN_INCLUDE=DIR)" >"$log"
    built=1
  else
    {
      # Every library source (no MPI), the experiment's parts, 8 at a time; then the kernels with nvcc.
      { find io autodiff cuda nn physics integrators datasets -name '*.cpp' | grep -v datasets/tools/; echo distributed/world.cpp
        ls examples/common/*.cpp examples/field_discovery/*.cpp | grep -v field_discovery/field_discovery.cpp; } |
        xargs -P 8 -I{} sh -c '"$0" "$@" -I"'"$cuda_home"'/include" -fopenmp -c {} -o "'"$out"'/obj/$(echo {} | tr / _).o"' \
          "$cxx" "${flags[@]}" &&
        for cu in cuda/*.cu; do
          nvcc -std=c++20 -O2 -DNDEBUG -DDYNAGRAD_CUDA=1 -I"$root" -isystem "$eigen" --extended-lambda \
            -gencode 'arch=compute_90,code=[sm_90,compute_90]' -c "$cu" -o "$out/obj/$(echo "$cu" | tr / _).o" || exit 1
        done &&
        ar rcs "$out/libgpu_check.a" "$out"/obj/*.o &&
        link_exe() { "$cxx" "${flags[@]}" -I"$cuda_home/include" "$@" "$out/libgpu_check.a" "${libs[@]}"; } &&
        link_exe tests/cuda/backend_ops_test.cpp -o "$out/test_cuda_backend_ops" &&
        link_exe benchmarks/bench_egnn_device.cpp -o "$out/bench_egnn_device" &&
        link_exe benchmarks/bench_egnn.cpp -o "$out/bench_egnn" &&
        link_exe examples/field_discovery/field_discovery.cpp -o "$out/field_discovery" &&
        # doctest is a single header; without it the dispatch test is left out (a row says so)
        if [ -f /usr/include/doctest/doctest.h ] || [ -n "${DOCTEST_INCLUDE:-}" ]; then
          link_exe -isystem "${DOCTEST_INCLUDE:-/usr/include}" tests/main.cpp tests/cuda/tape_dispatch_test.cpp \
            -o "$out/test_cuda_tape_dispatch"
        fi
    } >"$log" 2>&1
    built=$?
  fi
  test_exe=$out/test_cuda_backend_ops
  dispatch_exe=$out/test_cuda_tape_dispatch
  bench_dir=$out
  field_exe=$out/field_discovery
fi
if [ $built != 0 ]; then
  row "build ($how)" "FAILED: see $log" $(( $(date +%s) - t0 ))
  tail -20 "$log"
  table
  exit 1
fi
row "build ($how)" "ok" $(( $(date +%s) - t0 ))

# ---- backend test -----------------------------------------------------------------------------
t0=$(date +%s)
"$test_exe" >build-gpu-check/gpu_check_backend.log 2>&1
rc=$?
cat build-gpu-check/gpu_check_backend.log
summary=$(tail -1 build-gpu-check/gpu_check_backend.log | sed 's/^cuda\/backend_ops: //' | cut -c1-64)
status=0
case $rc in
  0) row "backend test (every op vs CPU, guards, bits)" "$summary" $(( $(date +%s) - t0 )) ;;
  77) row "backend test" "NOT RUN: no CUDA device on this machine" $(( $(date +%s) - t0 )); status=2 ;;
  *) row "backend test (every op vs CPU, guards, bits)" "FAILED ($rc): $summary" $(( $(date +%s) - t0 )); status=1 ;;
esac

[ $status = 2 ] && { table; echo "gpu_check: no CUDA device here: the build was checked, nothing ran on a GPU."; exit 2; }

# ---- the tape on the GPU: every op, training steps, second order, no cudaMalloc after step 1 ---
t0=$(date +%s)
if [ -x "$dispatch_exe" ]; then
  "$dispatch_exe" >build-gpu-check/gpu_check_dispatch.log 2>&1
  rc=$?
  cat build-gpu-check/gpu_check_dispatch.log
  summary=$(grep -o 'test cases: .*' build-gpu-check/gpu_check_dispatch.log | tail -1 | cut -c1-64)
  if grep -q 'SKIPPED the CUDA device' build-gpu-check/gpu_check_dispatch.log; then
    row "tape dispatch test (cuda)" "NOT RUN on the GPU: see the log" $(( $(date +%s) - t0 )); status=1
  elif [ $rc = 0 ]; then row "tape dispatch test (emulated and cuda)" "$summary" $(( $(date +%s) - t0 ))
  else row "tape dispatch test (emulated and cuda)" "FAILED ($rc): $summary" $(( $(date +%s) - t0 )); status=1; fi
else
  row "tape dispatch test" "not built: no doctest header (DOCTEST_INCLUDE=DIR)" "-"
fi

# ---- benchmarks: the EGNN step (issue 20's targets) ------------------------------------------
# value NAME LINE: the number after NAME= in LINE
value() { echo "$2" | grep -o "$1=[0-9.]*" | head -1 | cut -d= -f2; }
t0=$(date +%s)
cpu_line=$(DG_BENCH_ONLY=egnn_step "$bench_dir/bench_egnn" 2 2>&1 | grep '^egnn_step ')
cpu_ms=$(value min "$cpu_line")
row "EGNN step 100 x 5, CPU, 2 threads (bench_egnn)" "${cpu_ms:-FAILED} ms" $(( $(date +%s) - t0 ))
for graphs in 100 10000; do
  t0=$(date +%s)
  out_lines=$("$bench_dir/bench_egnn_device" cuda $graphs 20 2>&1)
  echo "$out_lines"
  line=$(echo "$out_lines" | grep '^egnn_step_device ')
  ms=$(value min "$line")
  gps=$(value graphs_per_s_at_min "$line")
  if [ -z "$ms" ]; then row "EGNN step $graphs x 5, GPU" "FAILED: $(echo "$out_lines" | tail -1 | cut -c1-56)" $(( $(date +%s) - t0 )); status=1; continue; fi
  ratio=""
  [ $graphs = 100 ] && [ -n "$cpu_ms" ] && ratio=$(awk -v c="$cpu_ms" -v g="$ms" 'BEGIN { printf ", %.1fx the CPU step (target >= 10x)", c / g }')
  row "EGNN step $graphs x 5, GPU (bench_egnn_device)" "$ms ms, $gps graphs/s$ratio" $(( $(date +%s) - t0 ))
  gline=$(echo "$out_lines" | grep '^egnn_step_device_graph ')
  if [ -n "$(value min "$gline")" ]; then
    row "  the same, CUDA graph replay" "$(value min "$gline") ms, $(value graphs_per_s_at_min "$gline") graphs/s" "-"
  else
    row "  the same, CUDA graph replay" "FAILED: $(echo "$gline" | sed 's/.*capture failed: //' | cut -c1-56)" "-"; status=1
  fi
done
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  for graphs in 100 10000; do
    t0=$(date +%s)
    line=$(python3 benchmarks/torch_egnn.py 1 --device cuda --graphs $graphs 2>&1 | grep '^egnn_step ')
    row "PyTorch EGNN step $graphs x 5, GPU (torch_egnn.py)" "$(value min "$line") ms, $(value graphs_per_s_at_min "$line") graphs/s" $(( $(date +%s) - t0 ))
  done
else
  row "PyTorch with CUDA" "not installed or no GPU: no comparison" "-"
fi

# ---- field discovery on the GPU --------------------------------------------------------------
t0=$(date +%s)
if "$field_exe" --quick --quiet --device cuda --out build-gpu-check/field_quick >build-gpu-check/gpu_check_field.log 2>&1; then
  row "field_discovery --quick --device cuda" "ok: build-gpu-check/field_quick/results.json" $(( $(date +%s) - t0 ))
else
  row "field_discovery --quick --device cuda" "FAILED: see build-gpu-check/gpu_check_field.log" $(( $(date +%s) - t0 )); status=1
fi
table
exit $status
