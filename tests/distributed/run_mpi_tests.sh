#!/bin/bash
# The MPI tests of distributed/: the same bytes (checkpoint, metrics without the seconds column)
# from 1 thread, 2 threads, mpirun -np 2 and -np 4 (1 thread per rank) at the same number of
# shards; a run interrupted under 2 ranks and resumed under 2 ranks ends with the same bytes; a
# rank that throws, and a rank that dies, end the job with an error instead of a hang (timeout).
# With the field_discovery program as a second argument, also its data per shard (--shard-data):
# each rank generates only its shards' training simulations, and the checkpoints and results are
# those of 1 thread holding them all, under -np 2 and -np 4.
#   run_mpi_tests.sh PATH/TO/sharded_training [PATH/TO/field_discovery]
set -u
prog=$1
field_discovery=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Oversubscribed (more ranks than cores) and as root (CI runs as root).
mpi=(mpirun --oversubscribe --allow-run-as-root --mca btl self,vader -x OMP_NUM_THREADS=1 -x OMP_WAIT_POLICY=passive)
fail=0
check() {  # NAME DIR: DIR's files equal those of the 1-thread run
  if cmp -s "$tmp/t1/checkpoint.npz" "$2/checkpoint.npz" &&
     cmp -s <(cut -d, -f1-3 "$tmp/t1/metrics.csv") <(cut -d, -f1-3 "$2/metrics.csv"); then
    echo "ok: $1 gives the bytes of 1 thread"
  else
    echo "FAIL: $1 differs from 1 thread"; fail=1
  fi
}
run() {  # DIR ARGS...: a run that must succeed
  local dir=$1; shift
  if ! timeout 120 "$@" > "$dir.log" 2>&1; then echo "FAIL: $* (log below)"; cat "$dir.log"; fail=1; fi
}
OMP_NUM_THREADS=1 run "$tmp/t1" "$prog" "$tmp/t1"
[ "$(wc -l < "$tmp/t1/metrics.csv")" -eq 41 ] || { echo "FAIL: the 1-thread run wrote no 40 rows"; fail=1; }
OMP_NUM_THREADS=2 run "$tmp/t2" "$prog" "$tmp/t2"
check "2 threads" "$tmp/t2"
run "$tmp/r2" "${mpi[@]}" -np 2 "$prog" "$tmp/r2"
check "mpirun -np 2" "$tmp/r2"
run "$tmp/r4" "${mpi[@]}" -np 4 "$prog" "$tmp/r4"
check "mpirun -np 4" "$tmp/r4"
run "$tmp/res" "${mpi[@]}" -np 2 "$prog" "$tmp/res" --stop-after 13
run "$tmp/res" "${mpi[@]}" -np 2 "$prog" "$tmp/res"
grep -q "steps 13-40" "$tmp/res.log" || { echo "FAIL: the resumed run did not start at step 13"; cat "$tmp/res.log"; fail=1; }
check "mpirun -np 2 interrupted at step 13 and resumed" "$tmp/res"
# A fault: the job must end (not hang: timeout's 124) with an error naming the rank.
for fault in "--fail-rank 1 --fail-step 5" "--die-rank 1 --die-step 5"; do
  timeout 60 "${mpi[@]}" -np 2 "$prog" "$tmp/fault" $fault > "$tmp/fault.log" 2>&1
  rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
    echo "FAIL: $fault: exit status $rc (0: the fault went unnoticed, 124: a hang)"; cat "$tmp/fault.log"; fail=1
  elif [[ $fault == --fail* ]] && ! grep -q "rank 1 of 2: rank 1, shard 2: a fault asked for by the test" "$tmp/fault.log"; then
    echo "FAIL: $fault: the error does not name the rank and shard"; cat "$tmp/fault.log"; fail=1
  else
    echo "ok: $fault ends the job with status $rc"
  fi
done
if [ -n "$field_discovery" ]; then
  args=(--quick --quiet --shard-data --shards 4 --models field,no_field --train 80 --test 20 --steps 20 --grid 10
        --source-grid 20)
  results() { grep -v -E '"(seconds|train_seconds|ms_per_step|threads|out)":' "$1/results.json"; }
  OMP_NUM_THREADS=1 run "$tmp/fd1" "$field_discovery" "${args[@]}" --out "$tmp/fd1"
  for np in 2 4; do
    run "$tmp/fd$np" "${mpi[@]}" -np $np "$field_discovery" "${args[@]}" --out "$tmp/fd$np"
    if cmp -s "$tmp/fd1/checkpoint_field.npz" "$tmp/fd$np/checkpoint_field.npz" &&
       cmp -s "$tmp/fd1/checkpoint_no_field.npz" "$tmp/fd$np/checkpoint_no_field.npz" &&
       cmp -s <(results "$tmp/fd1") <(results "$tmp/fd$np"); then
      echo "ok: field_discovery --shard-data under mpirun -np $np gives the bytes of 1 thread"
    else
      echo "FAIL: field_discovery --shard-data under mpirun -np $np differs from 1 thread"; fail=1
    fi
  done
  # Each rank held only its own block: 2 ranks, 4 shards of 80 simulations.
  for block in "rank 0 holds shards [0, 2), training simulations [0, 40)" \
               "rank 1 holds shards [2, 4), training simulations [40, 80)"; do
    grep -q -F "$block" "$tmp/fd2.log" || { echo "FAIL: no line '$block' under -np 2"; cat "$tmp/fd2.log"; fail=1; }
  done
fi
exit $fail
