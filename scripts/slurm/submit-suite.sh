#!/usr/bin/env bash
# Submits the paper's suite (what `infoplane reproduce` runs) to Slurm: for every experiment
# a job array of shards and a merge job into OUT/NAME (the layout of `infoplane
# reproduce`), and last a report job after all of them: `infoplane reproduce --report-only`
# writes OUT/report.md with the figures and verdicts. Prints the job ids.
# See docs/cluster.md.
set -euo pipefail
# shellcheck source=scripts/slurm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<EOF
usage: scripts/slurm/submit-suite.sh [EXPERIMENT...|all] [options]

Experiments are the configs NAME.toml of the experiments folder (all of them by default).
Each runs at its config's size, as 'infoplane reproduce' runs it.

Options (environment variable, default):
  --experiments DIR  folder of the configs (EXPERIMENTS_DIR; the shipped experiments/)
  --out DIR          folder on shared storage (OUT_DIR; runs/paper): merged runs in DIR/NAME,
                     shards in DIR/shards/NAME, logs in DIR/logs, the report in DIR/report.md
  --report-dir DIR   write report.md there instead, with its figures (REPORT_DIR)
  --shards N         array tasks per experiment (SHARDS; 10, at most its repetitions)
  --cpus C           CPUs per task (CPUS_PER_TASK; repetitions per shard, at most 8)
  --time T           time limit per task (TIME_LIMIT; SBATCH_TIMELIMIT or 04:00:00)
  --partition P      partition (PARTITION; the cluster's default)
  --mem M            memory per task (MEM; the cluster's default; MNIST needs about 1G per CPU)
  --infoplane PATH   the infoplane binary (INFOPLANE; build/release/infoplane)
  --plot WHAT        figures of each merge job (PLOT; all)
  --tasks LIST       submit only these array tasks of each named experiment (TASKS; 1-N)
  --after JOBS       the merges also wait for these jobs to end (AFTER)
  --sbatch-args S    more sbatch options for every job (SBATCH_ARGS)
  --dry-run          print the sbatch commands, submit nothing
EOF
}

OUT_DIR=${OUT_DIR:-runs/paper}
REPETITIONS='' EPOCHS=''  # every experiment at its config's size, as reproduce runs it
EXPERIMENTS_DIR=${EXPERIMENTS_DIR:-$repo_dir/experiments}
REPORT_DIR=${REPORT_DIR:-}
names=()
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --experiments) [ $# -ge 2 ] || die "$1 needs a value"; EXPERIMENTS_DIR=$2; shift 2 ;;
    --report-dir) [ $# -ge 2 ] || die "$1 needs a value"; REPORT_DIR=$2; shift 2 ;;
    -*)
      common_option "$@"
      [ "$USED" -gt 0 ] || { usage >&2; die "unknown option $1"; }
      shift "$USED" ;;
    *) names+=("$1"); shift ;;
  esac
done
[ -d "$EXPERIMENTS_DIR" ] || die "--experiments: $EXPERIMENTS_DIR is not a folder"
EXPERIMENTS_DIR=$(realpath "$EXPERIMENTS_DIR")
if [ ${#names[@]} -eq 0 ] || [[ " ${names[*]} " == *" all "* ]]; then
  names=()
  for f in "$EXPERIMENTS_DIR"/*.toml; do [ -e "$f" ] && names+=("$(basename "$f" .toml)"); done
  [ ${#names[@]} -gt 0 ] || die "$EXPERIMENTS_DIR holds no NAME.toml"
fi
for name in "${names[@]}"; do
  [ -f "$EXPERIMENTS_DIR/$name.toml" ] || die "unknown experiment '$name': no $EXPERIMENTS_DIR/$name.toml"
done
common_checks
[ -z "$REPORT_DIR" ] || REPORT_DIR=$(realpath -m "$REPORT_DIR")

merges=()
for name in "${names[@]}"; do
  submit_study "$EXPERIMENTS_DIR/$name.toml"
  merges+=("$MERGE_JOB")
done
report_args=("$INFOPLANE" "$OUT_DIR" "$EXPERIMENTS_DIR" "${names[@]}")
[ -z "$REPORT_DIR" ] || report_args+=(--report-dir "$REPORT_DIR")
common=(--time="$TIME_LIMIT")
[ -z "$PARTITION" ] || common+=(--partition="$PARTITION")
submit_job REPORT_JOB "${common[@]}" --job-name=ip-report \
  --dependency="afterany:$(IFS=:; echo "${merges[*]}")" --output="$OUT_DIR/logs/report-%j.log" \
  "$slurm_dir/report.sbatch" "${report_args[@]}"
say "report job $REPORT_JOB after the ${#merges[@]} merge job(s): ${REPORT_DIR:-$OUT_DIR}/report.md"
if [ "$DRY_RUN" != 1 ]; then
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) report $REPORT_JOB" >>"$OUT_DIR/jobs.txt"
  echo "watch: squeue -u $(id -un); logs: $OUT_DIR/logs"
fi
