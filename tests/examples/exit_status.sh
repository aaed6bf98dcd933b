#!/usr/bin/env bash
# Every example ends through examples::run_main: bad input gives exit status 2 and one message
# "<program>: <what>" on stderr, never std::terminate (status 134) or a crash.
#   exit_status.sh BUILD_EXAMPLES_DIR
set -u
dir=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

# expect STATUS PROGRAM ARGS...: runs build/examples/PROGRAM ARGS and checks the status and stderr.
expect() {
  local want=$1 program=$2
  shift 2
  "$dir/$program" "$@" > "$scratch/stdout" 2> "$scratch/stderr"
  local got=$?
  if [ "$got" != "$want" ] || ! grep -q "^$program: " "$scratch/stderr"; then
    echo "FAIL: $program $* -> status $got (want $want), stderr:"
    cat "$scratch/stderr"
    failures=$((failures + 1))
  else
    echo "ok:   $program $* -> $got: $(head -n 1 "$scratch/stderr")"
  fi
}

unwritable=/proc/no_such_folder  # cannot be created, even by root
for program in egnn_nbody gravity_field learned_energy lorentz_field langevin_sampling mean_field_langevin nbody_orbits field_discovery; do
  expect 2 "$program" --no-such-option
  expect 2 "$program" --seed -1
  expect 2 "$program" --quiet --out "$unwritable"
done
expect 2 egnn_nbody --quiet --out "$scratch/egnn" --target-frame 10 --input-frame 30
expect 2 egnn_nbody --quiet --out "$scratch/egnn" --data "$scratch/no_data"
# A resume with other settings than its checkpoint's is refused (the first run makes the checkpoint).
"$dir/egnn_nbody" --quiet --out "$scratch/egnn_resume" --train 20 --val 10 --test 10 --epochs 1 > /dev/null
expect 2 egnn_nbody --quiet --out "$scratch/egnn_resume" --train 20 --val 10 --test 10 --epochs 2 --resume
expect 2 gravity_field --quiet --out "$scratch/gravity" --observed 60 --horizon 10
expect 2 gravity_field --quiet --out "$scratch/gravity" --data "$scratch/no_data"
expect 2 gravity_field --quiet --out "$scratch/gravity" --models dynamic_field,bogus
expect 2 gravity_field --quiet --out "$scratch/gravity" --quick --published
expect 2 gravity_field --quiet --out "$scratch/gravity" --quick --anchor --refit-sims 10
expect 2 gravity_field --quiet --out "$scratch/gravity" --quick --refine-steps 5 --refine-anchor-only
# A fine-tune: a resume with other settings is refused, and goes on with --allow-changed-settings.
gravity_ft=(--quiet --quick --train 40 --test 20 --locate-sims 4 --models no_field --out "$scratch/gravity_ft")
"$dir/gravity_field" "${gravity_ft[@]}" --steps 20 > /dev/null
expect 2 gravity_field "${gravity_ft[@]}" --steps 30 --relative-floor 1 --resume
if "$dir/gravity_field" "${gravity_ft[@]}" --steps 30 --relative-floor 1 --resume --allow-changed-settings > /dev/null &&
  tail -n 1 "$scratch/gravity_ft/training_no_field.csv" | grep -q '^30,'; then
  echo "ok:   gravity_field --resume --allow-changed-settings went on from step 20 to 30"
else
  echo "FAIL: gravity_field --resume --allow-changed-settings did not go on to step 30"
  failures=$((failures + 1))
fi
expect 2 learned_energy --quiet --out "$scratch/energy" --train-runs 1 --batch 1000
expect 2 langevin_sampling --quiet --out "$scratch/langevin" --dt 0.1,abc
expect 2 lorentz_field --quiet --out "$scratch/lorentz" --data "$scratch/no_data"
expect 2 lorentz_field --quiet --out "$scratch/lorentz" --train 2 --test 2 --observed 45 --horizon 10
expect 2 nbody_orbits --quiet --out "$scratch/orbits" --softening 0
expect 2 mlp_regression "$unwritable"   # the output folder is its only argument

[ "$failures" = 0 ] || { echo "$failures failures"; exit 1; }
