# shellcheck shell=bash
# Sourced by submit.sh and submit-suite.sh: options, defaults and the submission of one
# study (a job array of shards and the merge job after it). See docs/cluster.md.

slurm_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$slurm_dir/../.." && pwd)

# Parameters: options override environment variables, which override the defaults.
INFOPLANE=${INFOPLANE:-$repo_dir/build/release/infoplane}
SHARDS=${SHARDS:-10}
CPUS_PER_TASK=${CPUS_PER_TASK:-}          # empty: repetitions per shard, at most 8
TIME_LIMIT=${TIME_LIMIT:-${SBATCH_TIMELIMIT:-04:00:00}}
PARTITION=${PARTITION:-}                  # empty: the cluster's default (or SBATCH_PARTITION)
MEM=${MEM:-}                              # empty: the cluster's default
PLOT=${PLOT:-all}
SBATCH_ARGS=${SBATCH_ARGS:-}              # more sbatch options for every job, e.g. "--account=ab12 --qos=short"
REPETITIONS=${REPETITIONS:-}              # empty: the config's
EPOCHS=${EPOCHS:-}                        # empty: the config's
TASKS=${TASKS:-}                          # empty: 1-N
AFTER=${AFTER:-}                          # jobs the merge also waits for (afterany)
DRY_RUN=${DRY_RUN:-0}

die() { echo "${0##*/}: $*" >&2; exit 2; }

# common_option ARGS...: handles one option shared by both scripts; sets USED to the
# number of words it took (0: not a shared option).
# shellcheck disable=SC2034  # USED is read by the caller
common_option() {
  local need_value=1
  case $1 in
    --out) OUT_DIR=${2-} ;;
    --shards) SHARDS=${2-} ;;
    --cpus|--cpus-per-task) CPUS_PER_TASK=${2-} ;;
    --time) TIME_LIMIT=${2-} ;;
    --partition) PARTITION=${2-} ;;
    --mem) MEM=${2-} ;;
    --infoplane) INFOPLANE=${2-} ;;
    --plot) PLOT=${2-} ;;
    --sbatch-args) SBATCH_ARGS=${2-} ;;
    --tasks) TASKS=${2-} ;;
    --after) AFTER=${2-} ;;
    --dry-run) DRY_RUN=1; need_value=0 ;;
    *) USED=0; return ;;
  esac
  if [ "$need_value" = 1 ] && [ $# -lt 2 ]; then die "$1 needs a value"; fi
  USED=$((need_value + 1))
}

common_checks() {
  [[ $SHARDS =~ ^[1-9][0-9]*$ ]] || die "--shards: expected a positive number, got '$SHARDS'"
  [ -z "$CPUS_PER_TASK" ] || [[ $CPUS_PER_TASK =~ ^[1-9][0-9]*$ ]] \
    || die "--cpus: expected a positive number, got '$CPUS_PER_TASK'"
  [ -z "$REPETITIONS" ] || [[ $REPETITIONS =~ ^[1-9][0-9]*$ ]] \
    || die "--repetitions: expected a positive number, got '$REPETITIONS'"
  [ -z "$EPOCHS" ] || [[ $EPOCHS =~ ^[1-9][0-9]*$ ]] || die "--epochs: expected a positive number, got '$EPOCHS'"
  [ -z "$TASKS" ] || [[ $TASKS =~ ^[0-9,%-]+$ ]] || die "--tasks: expected array indices like 3 or 2,5 or 1-4, got '$TASKS'"
  [ -z "$AFTER" ] || [[ $AFTER =~ ^[0-9_,:]+$ ]] || die "--after: expected job ids like 1234 or 1234,1240, got '$AFTER'"
  time_seconds "$TIME_LIMIT" >/dev/null || die "--time: expected a Slurm time (MM, HH:MM:SS, D-HH:MM, ...), got '$TIME_LIMIT'"
  if [ -x "$INFOPLANE" ]; then
    INFOPLANE=$(realpath "$INFOPLANE")
  elif [ "$DRY_RUN" = 1 ]; then
    echo "${0##*/}: note: $INFOPLANE is not an executable (yet)" >&2
  else
    die "--infoplane: $INFOPLANE is not an executable; build it (scripts/setup.sh) or give its path"
  fi
  OUT_DIR=$(realpath -m "$OUT_DIR")
  if [ "$DRY_RUN" != 1 ]; then
    command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node (or use --dry-run)"
    mkdir -p "$OUT_DIR/logs"
  fi
}

# toml_value FILE SECTION KEY: the value of a plain key in [SECTION] ("" for the top level).
toml_value() {
  awk -v want="$2" -v key="$3" '
    /^[[:space:]]*\[/ { section = $0; gsub(/[][[:space:]]/, "", section); next }
    section == want {
      line = $0; sub(/#.*/, "", line)
      if (match(line, "^[[:space:]]*" key "[[:space:]]*=")) {
        value = substr(line, RLENGTH + 1); gsub(/^[[:space:]]+|[[:space:]]+$/, "", value); gsub(/"/, "", value)
        print value; exit
      }
    }' "$1"
}

# time_seconds TIME: a Slurm time limit in seconds (0 for none).
time_seconds() {
  local t=$1 d=0 h=0 m=0 s=0 a b c
  case $t in UNLIMITED|unlimited|INFINITE|infinite) echo 0; return ;; esac
  [[ $t =~ ^([0-9]+-)?[0-9]+(:[0-9]+){0,2}$ ]] || return 1
  if [[ $t == *-* ]]; then
    d=${t%%-*}; t=${t#*-}
    IFS=: read -r h m s <<<"$t"
  else
    IFS=: read -r a b c <<<"$t"
    if [ -n "$c" ]; then h=$a m=$b s=$c; elif [ -n "$b" ]; then m=$a s=$b; else m=$a; fi
  fi
  echo $(( ((10#$d * 24 + 10#${h:-0}) * 60 + 10#${m:-0}) * 60 + 10#${s:-0} ))
}

# submit_job VAR SBATCH_OPTIONS... SCRIPT ARGS...: sbatch --parsable; the job id goes into
# VAR. A dry run prints the command and names the job JOB1, JOB2, ...
say() { if [ "$DRY_RUN" = 1 ]; then echo "# $*"; else echo "$*"; fi; }
dry_jobs=0
submit_job() {
  local var=$1 id
  shift
  local cmd=(sbatch --parsable)
  # shellcheck disable=SC2206  # SBATCH_ARGS is a list of options, split on spaces
  [ -z "$SBATCH_ARGS" ] || cmd+=($SBATCH_ARGS)
  cmd+=("$@")
  if [ "$DRY_RUN" = 1 ]; then
    dry_jobs=$((dry_jobs + 1))
    id=JOB$dry_jobs
    # A shell script: run as it is, it submits the same jobs.
    printf '%s=%s(' "$id" '$'
    # shellcheck disable=SC2016  # ${JOBn} is printed, not expanded
    printf '%q ' "${cmd[@]}" | sed -e 's/ $//' -e 's/\bJOB\([0-9][0-9]*\)\b/${JOB\1}/g'
    printf ')\n'
  else
    id=$("${cmd[@]}") || die "sbatch failed: ${cmd[*]}"
    id=${id%%;*}
  fi
  printf -v "$var" '%s' "$id"
}

# submit_study CONFIG [RUN_OPTIONS...]: the job array of shards of CONFIG (its folder
# OUT_DIR/shards/NAME/shard-I-of-N) and the merge job after it (OUT_DIR/NAME, the layout of
# `infoplane reproduce`). Sets ARRAY_JOB and MERGE_JOB.
submit_study() {
  local config name reps epochs n cpus tasks limit lead
  config=$(realpath "$1")
  shift
  name=$(basename "$config" .toml)
  reps=${REPETITIONS:-$(toml_value "$config" experiment repetitions)}
  reps=${reps:-10}
  epochs=${EPOCHS:-$(toml_value "$config" training epochs)}
  epochs=${epochs:-8000}
  n=$SHARDS
  if [ "$n" -gt "$reps" ]; then
    echo "$name: $reps repetitions, so $reps shards instead of $n" >&2
    n=$reps
  fi
  cpus=${CPUS_PER_TASK:-$(( (reps + n - 1) / n ))}
  [ -n "$CPUS_PER_TASK" ] || [ "$cpus" -le 8 ] || cpus=8
  tasks=${TASKS:-1-$n}
  local run_options=()
  [ -z "$REPETITIONS" ] || run_options+=(--repetitions "$REPETITIONS")
  [ -z "$EPOCHS" ] || run_options+=(--epochs "$EPOCHS")
  run_options+=("$@")

  local common=(--time="$TIME_LIMIT")
  [ -z "$PARTITION" ] || common+=(--partition="$PARTITION")
  local shard_options=(--job-name="ip-$name" --array="$tasks" --cpus-per-task="$cpus"
                       --output="$OUT_DIR/logs/$name-shard-%a.log")
  [ -z "$MEM" ] || shard_options+=(--mem="$MEM")
  # The requeue signal: a tenth of the time limit before it, 1 to 10 minutes.
  limit=$(time_seconds "$TIME_LIMIT")
  if [ "$limit" -ge 300 ]; then
    lead=$((limit / 10)); [ "$lead" -ge 60 ] || lead=60; [ "$lead" -le 600 ] || lead=600
    shard_options+=(--signal="B:USR1@$lead")
  fi
  submit_job ARRAY_JOB "${common[@]}" "${shard_options[@]}" \
    "$slurm_dir/shard.sbatch" "$INFOPLANE" "$config" "$OUT_DIR/shards/$name" "$n" "${run_options[@]}"

  local dependency=afterok:$ARRAY_JOB
  if [ -n "$AFTER" ]; then
    # Jobs that have ended need no waiting (and Slurm refuses a dependency on a job it
    # has forgotten).
    local j
    for j in ${AFTER//[,:]/ }; do
      if [ "$DRY_RUN" = 1 ] || [ -n "$(squeue -h -j "$j" -o %i 2>/dev/null)" ]; then
        dependency+=",afterany:$j"
      fi
    done
  fi
  submit_job MERGE_JOB "${common[@]}" --job-name="ip-$name-merge" --dependency="$dependency" \
    --kill-on-invalid-dep=yes --output="$OUT_DIR/logs/$name-merge-%j.log" \
    "$slurm_dir/merge.sbatch" "$INFOPLANE" "$OUT_DIR/shards/$name" "$n" "$OUT_DIR/$name" "$PLOT"

  say "$name: array job $ARRAY_JOB: shards $tasks of $n ($reps repetitions x $epochs epochs, $cpus CPU(s) per task)"
  say "$name: merge job $MERGE_JOB after it: merge, verify, plot into $OUT_DIR/$name"
  if [ "$DRY_RUN" != 1 ]; then
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $name array $ARRAY_JOB tasks $tasks of $n merge $MERGE_JOB" >>"$OUT_DIR/jobs.txt"
  fi
}
