#!/usr/bin/env bash
# Submits one infoplane study to Slurm: a job array with one shard per task
# (`infoplane run --shard I/N`, resumed when a task is requeued or submitted again) and a
# merge job after it (`infoplane merge`, `verify`, `plot`). Prints the job ids.
# See docs/cluster.md.
set -euo pipefail
# shellcheck source=scripts/slurm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOF
usage: scripts/slurm/submit.sh CONFIG.toml [options] [-- infoplane run options]

Options (environment variable, default):
  --repetitions R   repetitions of the study (REPETITIONS; the config's)
  --epochs E        epochs per repetition (EPOCHS; the config's)
  --shards N        array tasks, one shard each (SHARDS; 10, at most R)
  --cpus C          CPUs per task = infoplane threads (CPUS_PER_TASK; repetitions per shard, at most 8)
  --time T          time limit per task (TIME_LIMIT; SBATCH_TIMELIMIT or 04:00:00)
  --partition P     partition (PARTITION; the cluster's default)
  --mem M           memory per task, e.g. 4G (MEM; the cluster's default)
  --out DIR         study folder on shared storage (OUT_DIR; runs/cluster): shards in
                    DIR/shards/NAME/shard-I-of-N, the merged run in DIR/NAME, logs in DIR/logs
  --infoplane PATH  the infoplane binary, on shared storage (INFOPLANE; build/release/infoplane)
  --plot WHAT       figures of the merge job, for infoplane plot --what (PLOT; all)
  --tasks LIST      submit only these array tasks, e.g. 3 or 2,5 (TASKS; 1-N): a failed task
                    submitted again resumes its shard; the merge follows it
  --after JOBS      the merge also waits for these jobs to end, e.g. the first array (AFTER)
  --sbatch-args S   more sbatch options for every job, e.g. "--account=ab12" (SBATCH_ARGS)
  --dry-run         print the sbatch commands, submit nothing
EOF
}

OUT_DIR=${OUT_DIR:-runs/cluster}
config='' run_extra=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --repetitions) [ $# -ge 2 ] || die "$1 needs a value"; REPETITIONS=$2; shift 2 ;;
    --epochs) [ $# -ge 2 ] || die "$1 needs a value"; EPOCHS=$2; shift 2 ;;
    --) shift; run_extra=("$@"); break ;;
    -*)
      common_option "$@"
      [ "$USED" -gt 0 ] || { usage >&2; die "unknown option $1"; }
      shift "$USED" ;;
    *) [ -z "$config" ] || die "one CONFIG only (for several experiments: submit-suite.sh)"; config=$1; shift ;;
  esac
done
[ -n "$config" ] || { usage >&2; exit 2; }
[ -f "$config" ] || die "$config: no such config file"
common_checks

submit_study "$config" "${run_extra[@]}"
if [ "$DRY_RUN" != 1 ]; then
  echo "watch: squeue -j $ARRAY_JOB,$MERGE_JOB; logs: $OUT_DIR/logs"
fi
