#!/usr/bin/env bash
# One infoplane study on one workstation, as the Slurm workflow runs it (scripts/slurm/):
# its shards as parallel jobs with GNU parallel (`infoplane run --shard I/N`, each resumed
# when its folder holds a run), then merge, verify and plot, in the same layout
# (OUT/shards/NAME/shard-I-of-N, the merged run in OUT/NAME, logs in OUT/logs). Run it again
# after an interruption: finished repetitions are kept. See docs/cluster.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo_dir=$(cd "$here/.." && pwd)

usage() {
  cat <<EOF
usage: scripts/parallel-study.sh CONFIG.toml [options] [-- infoplane run options]

Options (environment variable, default):
  --repetitions R   repetitions of the study (REPETITIONS; the config's)
  --epochs E        epochs per repetition (EPOCHS; the config's)
  --jobs J          shards running at once (JOBS; the number of cores / threads)
  --threads T       threads per shard (THREADS; 1)
  --shards N        shards (SHARDS; J, at most R)
  --out DIR         study folder (OUT_DIR; runs/parallel)
  --infoplane PATH  the infoplane binary (INFOPLANE; build/release/infoplane)
  --plot WHAT       figures, for infoplane plot --what (PLOT; all)
GNU parallel's own options can be given in the PARALLEL variable, e.g.
PARALLEL="-S node1,node2 --wd \$PWD" for machines that share this folder.
EOF
}
die() { echo "${0##*/}: $*" >&2; exit 2; }

REPETITIONS=${REPETITIONS:-} EPOCHS=${EPOCHS:-} JOBS=${JOBS:-} THREADS=${THREADS:-1} SHARDS=${SHARDS:-}
OUT_DIR=${OUT_DIR:-runs/parallel} INFOPLANE=${INFOPLANE:-$repo_dir/build/release/infoplane} PLOT=${PLOT:-all}
config='' run_options=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --repetitions|--epochs|--jobs|--threads|--shards|--out|--infoplane|--plot)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --repetitions) REPETITIONS=$2 ;; --epochs) EPOCHS=$2 ;; --jobs) JOBS=$2 ;;
        --threads) THREADS=$2 ;; --shards) SHARDS=$2 ;; --out) OUT_DIR=$2 ;;
        --infoplane) INFOPLANE=$2 ;; --plot) PLOT=$2 ;;
      esac
      shift 2 ;;
    --) shift; run_options+=("$@"); break ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) [ -z "$config" ] || die "one CONFIG only"; config=$1; shift ;;
  esac
done
[ -n "$config" ] || { usage >&2; exit 2; }
[ -f "$config" ] || die "$config: no such config file"
[ -x "$INFOPLANE" ] || die "--infoplane: $INFOPLANE is not an executable; build it (scripts/setup.sh) or give its path"
command -v parallel >/dev/null || die "GNU parallel not found (Debian: apt-get install parallel)"
for v in REPETITIONS EPOCHS JOBS THREADS SHARDS; do
  [ -z "${!v}" ] || [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "${v,,}: expected a positive number, got '${!v}'"
done

config=$(realpath "$config")
INFOPLANE=$(realpath "$INFOPLANE")
OUT_DIR=$(realpath -m "$OUT_DIR")
name=$(basename "$config" .toml)
# The config's repetitions (for the number of shards), unless given.
reps=${REPETITIONS:-$(awk '/^[[:space:]]*\[/ { s = $0; gsub(/[][[:space:]]/, "", s); next }
  s == "experiment" && match($0, /^[[:space:]]*repetitions[[:space:]]*=[[:space:]]*[0-9]+/) {
    v = substr($0, RSTART, RLENGTH); sub(/.*=[[:space:]]*/, "", v); print v; exit }' "$config")}
reps=${reps:-10}
JOBS=${JOBS:-$(( $(nproc) / THREADS > 0 ? $(nproc) / THREADS : 1 ))}
n=${SHARDS:-$JOBS}
[ "$n" -le "$reps" ] || n=$reps
[ -z "$REPETITIONS" ] || run_options=(--repetitions "$REPETITIONS" "${run_options[@]}")
[ -z "$EPOCHS" ] || run_options=(--epochs "$EPOCHS" "${run_options[@]}")

shards_dir=$OUT_DIR/shards/$name
logs=$OUT_DIR/logs
mkdir -p "$shards_dir" "$logs"
echo "$name: $n shards of $reps repetitions, $JOBS at once with $THREADS thread(s) each -> $OUT_DIR/$name (logs: $logs)"

# One job per shard: shard.sbatch with the two variables a Slurm array task would have.
printf -v job 'SLURM_ARRAY_TASK_ID={} SLURM_CPUS_PER_TASK=%q bash %q %q %q %q %q' "$THREADS" \
  "$here/slurm/shard.sbatch" "$INFOPLANE" "$config" "$shards_dir" "$n"
for o in "${run_options[@]}"; do printf -v job '%s %q' "$job" "$o"; done
printf -v job '%s >>%q{}.log 2>&1' "$job" "$logs/$name-shard-"
if ! parallel --will-cite --halt soon,fail=1 --jobs "$JOBS" --joblog "$logs/$name.joblog" "$job" ::: $(seq 1 "$n"); then
  echo "${0##*/}: a shard failed (see $logs/$name.joblog and $logs/$name-shard-I.log); run the same command again: it resumes" >&2
  exit 1
fi
bash "$here/slurm/merge.sbatch" "$INFOPLANE" "$shards_dir" "$n" "$OUT_DIR/$name" "$PLOT" >>"$logs/$name-merge.log" 2>&1 || {
  tail -n 5 "$logs/$name-merge.log" >&2
  exit 1
}
grep -E ': OK |done:' "$logs/$name-merge.log" | tail -n 2
