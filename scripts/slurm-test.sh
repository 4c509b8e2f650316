#!/usr/bin/env bash
# Tests the Slurm workflow (scripts/slurm/) on a real one-node Slurm cluster that it starts
# on this machine from Debian's packages (slurmctld, slurmd and munged, each with its own
# files in a temporary folder and its own ports), and the GNU parallel workflow
# (scripts/parallel-study.sh):
#  1. scripts/slurm/submit.sh runs an SZT study (8 repetitions x 300 epochs, 4 shards of 2)
#     as a job array and a merge job; the merged mi.csv, accuracy.csv and
#     activation_range.csv must be byte for byte those of one `infoplane run`;
#  2. scripts/parallel-study.sh runs the same study: the same bytes;
#  3. a longer study (1500 epochs): one task is sent the time-limit signal and requeues
#     itself, another task's infoplane is killed (kill -9) with one of its two repetitions
#     done, the task fails and the merge job is cancelled; the task is submitted again
#     (submit.sh --tasks), resumes, and the merge gives the bytes of one `infoplane run`;
#  4. scripts/slurm/submit-suite.sh runs two experiments of the paper's suite (scaled down)
#     and the report job writes report.md (`infoplane reproduce --report-only`).
# Every daemon it started is stopped by its PID at the end, also on failure. Needs root
# (slurmd); installs what is missing with apt-get. Exit code 0: all identical.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
t_start=$SECONDS

say() { echo "slurm-test: $*"; }
fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }
indent() { sed "s/^/  /"; }

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    exec sudo -n --preserve-env=INFOPLANE,TMPDIR,CI bash "$0" "$@"
  fi
  fail "needs root (slurmd runs as root here); run it as root or with sudo"
fi

# --- packages -------------------------------------------------------------------------
# shellcheck source=scripts/install-packages.sh
source scripts/install-packages.sh
policy=/usr/sbin/policy-rc.d made_policy=0
remove_policy() { if [ "$made_policy" = 1 ]; then rm -f "$policy"; made_policy=0; fi; }
if [ ! -e "$policy" ]; then
  # Debian's packages would start their daemons on installation: forbid it meanwhile.
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
fi
trap remove_policy EXIT
install_packages slurm-wlm munge parallel gnuplot-nox procps
remove_policy

infoplane_src=${INFOPLANE:-build/release/infoplane}
if [ ! -x "$infoplane_src" ]; then
  [ -z "${INFOPLANE:-}" ] || fail "INFOPLANE=$INFOPLANE is not an executable"
  scripts/setup.sh
fi

# --- the work folder, one test at a time ------------------------------------------------
W=${TMPDIR:-/tmp}/infoplane-slurm-test
exec 9>"$W.lock"
flock -n 9 || fail "another slurm-test.sh is running (lock $W.lock)"
conf=$W/slurm/slurm.conf

# Processes of this test's cluster, by what only they have: the daemons by the PIDs
# recorded when they started (and their name, against a reused PID); job steps
# (slurmstepd) by their open slurmd log in W; job processes by SLURM_CONF in their
# environment.
cluster_pids() {
  local p fd
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    if [ "$p" = $$ ] || [ "$p" = "$BASHPID" ]; then continue; fi
    for fd in "/proc/$p/fd"/*; do
      [[ $(readlink "$fd" 2>/dev/null) == "$W/slurm/"* ]] && { echo "$p"; continue 2; }
    done
    if tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qxF "SLURM_CONF=$conf"; then echo "$p"; fi
  done
}
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
recorded_alive() {  # the recorded daemons that still run
  local pid name
  [ -f "$W/daemons" ] || return 0
  while read -r pid name; do
    alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] && echo "$pid $name"
  done <"$W/daemons"
  return 0
}
stop_pids() {  # stop_pids PID...: TERM, then KILL after 10 s
  local p k
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for ((k = 0; k < 100; k++)); do
    for p in "$@"; do alive "$p" && break; p=; done
    [ -n "$p" ] || return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
}
stop_cluster() {
  local pids=() line
  if [[ $(recorded_alive) == *" slurmctld"* ]]; then
    SLURM_CONF=$conf timeout 10 scancel --user=root 2>/dev/null || true
    local k
    for ((k = 0; k < 150; k++)); do  # until no job is pending, running or completing
      [ -z "$(SLURM_CONF=$conf timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  # slurmd first (no new steps), then slurmctld, then munged.
  for name in slurmd slurmctld munged; do
    pids=()
    while read -r line; do
      [ -n "$line" ] && [ "${line#* }" = "$name" ] && pids+=("${line%% *}")
    done < <(recorded_alive)
    stop_pids "${pids[@]}"
  done
  mapfile -t pids < <(cluster_pids)
  stop_pids "${pids[@]}"
}

cleanup() {
  local rc=$?
  trap - EXIT
  set +e
  remove_policy
  stop_cluster
  local left
  left=$(recorded_alive; cluster_pids)
  if [ -n "$left" ]; then
    echo "slurm-test: FAIL: processes of the test cluster still run: $left" >&2
    rc=1
  fi
  local others  # (a zombie is no process left running)
  others=$(for p in $(pgrep 'slurm|munged'); do
             [ "$(cat "/proc/$p/comm" 2>/dev/null)" != slurm-test.sh ] && alive "$p" && ps -o pid=,args= -p "$p"
           done)
  if [ -z "$others" ]; then
    say "daemons left: none (pgrep slurm, pgrep munged)"
  else
    say "not started by this test, left alone:"; indent <<<"$others"
  fi
  if [ "$rc" -eq 0 ]; then
    rm -rf "$W"
    say "passed in $((SECONDS - t_start)) s"
  else
    for f in "$W"/slurm/log/*.log "$W"/munge/munged.log; do
      [ -f "$f" ] && { echo "--- $f (end)"; tail -n 15 "$f"; }
    done
    say "failed after $((SECONDS - t_start)) s; files kept in $W"
  fi
  exit "$rc"
}

# A cluster of an earlier run that was killed before its clean-up.
left=$(recorded_alive; cluster_pids)
if [ -n "$left" ]; then
  say "stopping what an earlier run left running: $(tr '\n' ' ' <<<"$left")"
  stop_cluster
fi
rm -rf "$W"
mkdir -m 700 "$W"
: >"$W/daemons"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$W/bin"
cp "$infoplane_src" "$W/bin/infoplane"  # the same binary for every run, whatever is rebuilt meanwhile
bin=$W/bin/infoplane
config=$repo/experiments/szt-tanh-8bit.toml

# --- the cluster ------------------------------------------------------------------------
port_free() {  # no TCP socket of this machine uses the port, in any state
  ! grep -qi "^ *[0-9]*: [0-9A-F]*:$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
ctld_port=''
for p in 46817 46837 46857 46877 46897 47817 47837 47857; do
  if port_free "$p" && port_free $((p + 1)); then ctld_port=$p; break; fi
done
[ -n "$ctld_port" ] || fail "no free port pair for slurmctld and slurmd"
d_port=$((ctld_port + 1))
node=$(hostname -s)
cpus=$(nproc)

mkdir -m 711 "$W/munge"
dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$W/munge/munge.key"
sock=$W/munge/munge.socket
/usr/sbin/munged --foreground --force --socket="$sock" --key-file="$W/munge/munge.key" \
  --pid-file="$W/munge/munged.pid" --log-file="$W/munge/munged.log" --seed-file="$W/munge/munged.seed" \
  </dev/null >"$W/munge/munged.out" 2>&1 9>&- &
echo "$! munged" >>"$W/daemons"
for ((k = 0; k < 100; k++)); do
  munge -n -S "$sock" 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1 && break
  sleep 0.1
done
munge -n -S "$sock" | unmunge -S "$sock" >/dev/null || fail "munged does not answer (see $W/munge)"

mkdir -p "$W/slurm"/{state,spool,log,tmp}
cat >"$conf" <<EOF
# A one-node test cluster of scripts/slurm-test.sh
ClusterName=infoplane-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$W/slurm/state
SlurmdSpoolDir=$W/slurm/spool
SlurmctldPidFile=$W/slurm/slurmctld.pid
SlurmdPidFile=$W/slurm/slurmd.pid
SlurmctldLogFile=$W/slurm/log/slurmctld.log
SlurmdLogFile=$W/slurm/log/slurmd.log
TmpFS=$W/slurm/tmp
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
KillWait=5
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
cat >"$W/slurm/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v1
CgroupAutomount=no
EOF
/usr/sbin/slurmctld -D -c -f "$conf" </dev/null >"$W/slurm/log/slurmctld.out" 2>&1 9>&- &
echo "$! slurmctld" >>"$W/daemons"
/usr/sbin/slurmd -D -f "$conf" -N "$node" </dev/null >"$W/slurm/log/slurmd.out" 2>&1 9>&- &
echo "$! slurmd" >>"$W/daemons"

sl() { SLURM_CONF=$conf "$@"; }
for ((k = 0; k < 300; k++)); do
  [ "$(sl sinfo -h -n "$node" -o %t 2>/dev/null)" = idle ] && break
  sleep 0.1
done
[ "$(sl sinfo -h -n "$node" -o %t 2>/dev/null)" = idle ] || fail "the node did not come up idle: $(sl sinfo 2>&1)"
say "one-node Slurm $(sl sinfo -V | awk '{print $2}') on $node ($cpus CPUs), ports $ctld_port/$d_port:" \
    "up after $((SECONDS - t_start)) s"

# --- helpers ----------------------------------------------------------------------------
final_state() {  # the states of a job (one per array task), or "" while it is not over
  local states
  states=$(sl scontrol show job "$1" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  if [ -z "$states" ] || grep -qvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$' <<<"$states"; then
    return 1
  fi
  echo "$states"
}
wait_job() {  # wait_job SECONDS JOB...: until every job is over
  local limit=$((SECONDS + $1)) j
  shift
  for j in "$@"; do
    until final_state "$j" >/dev/null; do
      [ "$SECONDS" -lt "$limit" ] || fail "job $j did not end in time: $(sl squeue 2>&1)"
      sleep 0.2
    done
  done
}
task_lines() {  # one line per job (array task): id, state, exit code, restarts, reason
  sl scontrol show job "$1" -o | awk '{
    for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); f[k] = v }
    id = ("ArrayTaskId" in f) ? f["ArrayJobId"] "_" f["ArrayTaskId"] : f["JobId"]
    printf "%s %s, exit code %s, restarts %s, reason %s\n", id, f["JobState"], f["ExitCode"], f["Restarts"], f["Reason"]
    split("", f) }' | sort -V
}
crc() { gzip -c <"$1" | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n'; }
compare() {  # compare LABEL RUN_DIR REFERENCE_DIR: the three result files byte for byte
  local f bad=0
  for f in mi.csv accuracy.csv activation_range.csv; do
    local a=$2/$f b=$3/$f verdict=identical
    [ -f "$a" ] || fail "$a is missing"
    cmp -s "$a" "$b" || { verdict=DIFFERENT; bad=1; }
    printf '  %-9s %-21s %9d bytes crc32 %s   single process %9d bytes crc32 %s   %s\n' "$1" "$f" \
      "$(stat -c %s "$a")" "$(crc "$a")" "$(stat -c %s "$b")" "$(crc "$b")" "$verdict"
  done
  [ "$bad" = 0 ] || fail "$1: the merged files differ from those of the single process"
}
submit() {  # submit OUT_DIR OPTIONS...: the shipped submit.sh; sets ARRAY and MERGE
  local out
  out=$(sl scripts/slurm/submit.sh "$config" --out "$1" --infoplane "$bin" --partition debug \
          --cpus 1 --time 10 "${@:2}")
  indent <<<"$out"
  ARRAY=$(sed -n 's/.*: array job \([0-9][0-9]*\):.*/\1/p' <<<"$out")
  MERGE=$(sed -n 's/.*: merge job \([0-9][0-9]*\) .*/\1/p' <<<"$out")
  if [ -z "$ARRAY" ] || [ -z "$MERGE" ]; then fail "submit.sh printed no job ids"; fi
}
parts_done() { local p=("$1"/parts/rep-*.json); [ -e "${p[0]}" ] && echo "${#p[@]}" || echo 0; }
wait_parts() {  # wait_parts SECONDS SHARD_DIR: until it holds a finished repetition
  local limit=$((SECONDS + $1))
  until [ "$(parts_done "$2")" -ge 1 ]; do
    [ "$SECONDS" -lt "$limit" ] || fail "$2: no repetition finished in time"
    sleep 0.02
  done
}
name=szt-tanh-8bit

# --- 1. a study on Slurm ------------------------------------------------------------------
t=$SECONDS
"$bin" run "$config" --repetitions 8 --epochs 300 --threads "$cpus" --out "$W/ref-300" --no-plot >/dev/null 2>&1 \
  || fail "the single-process run failed"
"$bin" run "$config" --repetitions 8 --epochs 1500 --threads "$cpus" --out "$W/ref-1500" --no-plot >/dev/null 2>&1 \
  || fail "the single-process run failed"
say "single-process references (infoplane run, 8 repetitions x 300 and x 1500 epochs): $((SECONDS - t)) s"

t=$SECONDS
say "1. submit.sh: 8 repetitions x 300 epochs in 4 shards"
submit "$W/study" --repetitions 8 --epochs 300 --shards 4
wait_job 120 "$ARRAY" "$MERGE"
task_lines "$ARRAY" | sed 's/^/  task /'
task_lines "$MERGE" | sed 's/^/  merge job /'
[ "$(final_state "$ARRAY" | sort -u)" = COMPLETED ] || fail "a task of array job $ARRAY did not complete"
[ "$(final_state "$MERGE")" = COMPLETED ] || fail "merge job $MERGE: $(final_state "$MERGE"); see $W/study/logs"
grep -h ': OK (' "$W/study/logs/$name-merge-$MERGE.log" | sed 's/^/  verify: /'
[ -f "$W/study/$name/figures/plane.png" ] || fail "the merge job drew no plane.png"
compare slurm "$W/study/$name" "$W/ref-300"
say "   on Slurm in $((SECONDS - t)) s"

# --- 2. the same study with GNU parallel ----------------------------------------------------
t=$SECONDS
say "2. parallel-study.sh: the same study, 4 shards, $cpus at once"
scripts/parallel-study.sh "$config" --repetitions 8 --epochs 300 --shards 4 --jobs "$cpus" --threads 1 \
  --out "$W/parallel" --infoplane "$bin" </dev/null | sed 's/^/  /'
compare parallel "$W/parallel/$name" "$W/ref-300"
say "   with GNU parallel in $((SECONDS - t)) s"

# --- 3. a requeued task, a failed task submitted again --------------------------------------
t=$SECONDS
say "3. submit.sh: 8 repetitions x 1500 epochs in 4 shards; task 2 is requeued at its 'time limit', task 3 killed"
submit "$W/failing" --repetitions 8 --epochs 1500 --shards 4
first_array=$ARRAY first_merge=$MERGE
shards=$W/failing/shards/$name

# Both at once, whichever comes first:
#  - task 2, once it has finished a repetition, gets the signal that --signal=B:USR1@...
#    sends before the time limit; it requeues itself. Slurm holds a requeued job for about
#    two minutes: the test starts it at once (scontrol update StartTime=now).
#  - task 3's infoplane is killed (kill -9) once it has finished one of its two repetitions.
restarts() { sl scontrol show job "$1" -o | grep -o 'Restarts=[0-9]*' | cut -d= -f2; }
state_reason() { sl scontrol show job "$1" -o | sed -E 's/.*JobState=([A-Z_]+) Reason=([^ ]+).*/\1 \2/'; }
signalled='' released='' killed='' updated=''
limit=$((SECONDS + 120))
until [ -n "$released" ] && [ -n "$killed" ]; do
  [ "$SECONDS" -lt "$limit" ] || fail "task 2 or task 3 did not get far enough in time: $(sl squeue 2>&1)"
  if [ -z "$killed" ] && [ "$(parts_done "$shards/shard-3-of-4")" -ge 1 ]; then
    pid=$(pgrep -f -- "run $config --shard 3/4 .*--out $shards/shard-3-of-4( |$)" | head -1 || true)
    [ -n "$pid" ] || fail "the infoplane process of task ${ARRAY}_3 ended before it could be killed"
    kill -9 "$pid"
    done3=$(parts_done "$shards/shard-3-of-4")
    [ "$done3" = 1 ] || fail "task ${ARRAY}_3 was not caught in the middle: $done3 of 2 repetitions done"
    grep -q '^  "status": "running"' "$shards/shard-3-of-4/manifest.json" || fail "shard 3 was not running"
    killed=$pid
    say "   killed infoplane (pid $pid, kill -9) of task ${ARRAY}_3 with 1 of 2 repetitions done"
  fi
  if [ -z "$signalled" ] && [ "$(parts_done "$shards/shard-2-of-4")" -ge 1 ]; then
    # scancel waits for an answer that only comes after the requeue: leave it in the background.
    SLURM_CONF=$conf timeout 20 scancel --batch --signal=USR1 "${ARRAY}_2" >/dev/null 2>&1 &
    signalled=$SECONDS
  fi
  if [ -n "$signalled" ] && [ -z "$released" ] && [ "$(restarts "${ARRAY}_2")" = 1 ]; then
    case $(state_reason "${ARRAY}_2") in
      "PENDING BeginTime")
        if [ "$SECONDS" != "${updated:-}" ]; then
          sl scontrol update JobId="${ARRAY}_2" StartTime=now
          updated=$SECONDS
        fi ;;
      RUNNING*|COMPLETED*)
        released=1
        say "   task ${ARRAY}_2 requeued itself after the time-limit signal" \
            "($(parts_done "$shards/shard-2-of-4") of 2 repetitions done) and runs again" ;;
    esac
  fi
  [ -z "$signalled" ] || [ -n "$released" ] || [ $((SECONDS - signalled)) -lt 20 ] \
    || fail "task ${ARRAY}_2 was not requeued after the time-limit signal"
  sleep 0.02
done
wait_job 120 "$ARRAY" "$MERGE"
task_lines "$ARRAY" | sed 's/^/  task /'
task_lines "$MERGE" | sed 's/^/  merge job /'
[ "$(final_state "${ARRAY}_3")" = FAILED ] || fail "task ${ARRAY}_3 did not fail"
[ "$(final_state "$MERGE")" = CANCELLED ] || fail "merge job $MERGE was not cancelled"
for i in 1 2 4; do
  [ "$(final_state "${ARRAY}_$i")" = COMPLETED ] || fail "task ${ARRAY}_$i did not complete"
done
grep -h 'failed with exit code' "$W/failing/logs/$name-shard-3.log" | sed 's/^/  log: /'
grep -h 'resuming' "$W/failing/logs/$name-shard-2.log" | sed 's/^/  log: /'

say "   task 3 submitted again (submit.sh --tasks 3 --after $first_array)"
submit "$W/failing" --repetitions 8 --epochs 1500 --shards 4 --tasks 3 --after "$first_array"
wait_job 120 "$ARRAY" "$MERGE"
task_lines "$ARRAY" | sed 's/^/  task /'
task_lines "$MERGE" | sed 's/^/  merge job /'
[ "$(final_state "$ARRAY")" = COMPLETED ] || fail "the resubmitted task $ARRAY did not complete"
[ "$(final_state "$MERGE")" = COMPLETED ] || fail "merge job $MERGE: $(final_state "$MERGE"); see $W/failing/logs"
grep -q "resuming $shards/shard-3-of-4: 1 of 2 repetitions already finished" "$W/failing/logs/$name-shard-3.log" \
  || fail "the resubmitted task 3 did not resume its shard"
grep -h 'already finished' "$W/failing/logs/$name-shard-3.log" | sed 's/^/  log: /'
grep -h ': OK (' "$W/failing/logs/$name-merge-$MERGE.log" | sed 's/^/  verify: /'
compare resumed "$W/failing/$name" "$W/ref-1500"
say "   requeue, failure and resubmission in $((SECONDS - t)) s (first array $first_array, merge $first_merge)"

# --- 4. the paper's suite: arrays, merges and the report job --------------------------------
t=$SECONDS
say "4. submit-suite.sh: szt-tanh-8bit and szt-relu-8bit, scaled to 4 repetitions x 200 epochs, 2 shards each"
mkdir -p "$W/experiments"
for e in szt-tanh-8bit szt-relu-8bit; do
  sed -e 's/^epochs = 8000/epochs = 200/' -e 's/^repetitions = 50/repetitions = 4/' \
    "$repo/experiments/$e.toml" >"$W/experiments/$e.toml"
done
out=$(sl scripts/slurm/submit-suite.sh szt-tanh-8bit szt-relu-8bit --experiments "$W/experiments" \
        --out "$W/paper" --infoplane "$bin" --partition debug --shards 2 --cpus 1 --time 10)
indent <<<"$out"
report_job=$(sed -n 's/^report job \([0-9][0-9]*\) .*/\1/p' <<<"$out")
[ -n "$report_job" ] || fail "submit-suite.sh printed no report job"
mapfile -t suite_jobs < <(sed -n 's/.*: \(array\|merge\) job \([0-9][0-9]*\).*/\2/p' <<<"$out")
wait_job 120 "${suite_jobs[@]}" "$report_job"
for j in "${suite_jobs[@]}" "$report_job"; do
  [ "$(final_state "$j" | sort -u)" = COMPLETED ] || fail "job $j of the suite: $(final_state "$j" | sort -u | tr '\n' ' ')"
done
task_lines "$report_job" | sed 's/^/  report job /'
[ "$(grep -c '^4 repetitions x 200 epochs. Status: complete.$' "$W/paper/report.md")" = 2 ] \
  || fail "$W/paper/report.md does not hold both experiments as complete"
say "   report.md with both experiments complete and $(grep -c '^!\[' "$W/paper/report.md") figures, in $((SECONDS - t)) s"
say "all merged results byte for byte those of the single process"
