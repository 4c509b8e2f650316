#!/usr/bin/env bash
# Fuzzes infoplane's input readers: installs clang and libFuzzer from Debian's packages
# (only what is missing), builds the `fuzz` preset into build/fuzz and runs every target of
# tests/fuzz for SECONDS seconds (default 30) each, one per core at a time, or only the
# TARGETs named (config, idx, csv, float_csv, report_csv, verify). Exits with 1 when a target crashed, hung, ran out of
# memory or tripped a sanitizer; the input that did it is in build/fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Each target starts from its seeds in tests/fuzz/corpus/TARGET and keeps what it finds in
# build/fuzz/corpus/TARGET for the next run. See docs/long-runs.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
case $seconds in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/*_fuzz.cpp; do
    name=$(basename "$source" .cpp)
    targets+=("${name%_fuzz}")
  done
fi
for target in "${targets[@]}"; do
  [ -f "tests/fuzz/${target}_fuzz.cpp" ] || { echo "scripts/fuzz.sh: no fuzz target '$target'" >&2; exit 2; }
done

packages=(cmake ninja-build pkg-config git clang libclang-rt-14-dev
          libeigen3-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev zlib1g-dev)
source scripts/install-packages.sh
install_packages "${packages[@]}"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"

build=build/fuzz
# The targets write their inputs to files in the temporary folder: in memory (/dev/shm)
# where there is one, which makes them several times faster than on disk.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm/infoplane-fuzz-$$
else
  export TMPDIR=$PWD/$build/tmp
fi
trap 'rm -rf "$TMPDIR"' EXIT
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Runs one target; its log is build/fuzz/logs/TARGET.log, its exit status TARGET.status.
fuzz_target() {
  local target=$1
  local corpus=$build/corpus/$target artifacts=$build/artifacts/$target log=$build/logs/$target.log
  mkdir -p "$corpus" "$artifacts" "$build/logs" "$TMPDIR"
  for seed in tests/fuzz/corpus/"$target"/*; do
    [ -e "$corpus/$(basename "$seed")" ] || cp "$seed" "$corpus"/
  done
  # -timeout: one input running longer is a hang; -rss_limit_mb also caps a single
  # allocation (libFuzzer's malloc limit), so a huge allocation is a finding too.
  local status=0
  "$build/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  echo "$status" >"$build/logs/$target.status"
}

# One target per core at a time.
parallel=$(nproc)
echo "fuzzing ${targets[*]} for ${seconds}s each, $parallel at a time (logs: $build/logs/)"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  rm -f "$build/logs/$target.status"
  fuzz_target "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  log=$build/logs/$target.log
  if [ "$(cat "$build/logs/$target.status" 2>/dev/null)" = 0 ]; then
    # libFuzzer's final stats: number of runs and executions per second.
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    echo "$target: ok, ${runs:-?} runs, ${speed:-?} exec/s, ${coverage:-cov: ?}, $(ls "$build/corpus/$target" | wc -l) inputs in the corpus"
  else
    echo "$target: FAILED; the input is in $build/artifacts/$target/; end of $log:" >&2
    tail -n 60 "$log" >&2
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "scripts/fuzz.sh: failed: ${failed[*]}" >&2
  echo "fuzz: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed (${seconds}s each)"
  exit 1
fi
echo "fuzz: ${#targets[@]} passed, 0 failed (${seconds}s each)"
