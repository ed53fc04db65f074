#!/usr/bin/env bash
# slurm-down.sh [DIR] [--purge] -- stops what scripts/slurm-up.sh started (same DIR, default
# /var/tmp/nepforge-slurm): cancels all jobs, stops slurmd and slurmctld, and munged only if
# slurm-up.sh started it. Every daemon is ended by the pid in its pid file (TERM, then KILL after 10 s).
# --purge also deletes DIR (state, logs, job records). Idempotent: harmless when nothing runs.
set -uo pipefail
DIR=/var/tmp/nepforge-slurm PURGE=0
for a in "$@"; do case "$a" in --purge) PURGE=1 ;; *) DIR=$a ;; esac; done
DIR=$(realpath -m "$DIR")
export SLURM_CONF="$DIR/slurm.conf"
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
stop_pidfile() {
  alive "$1" || return 0
  local pid; pid=$(cat "$1"); kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "slurm-down: pid $pid ($1) ignored TERM, killing" >&2
  kill -KILL "$pid" 2>/dev/null; return 0
}

if alive "$DIR/slurmctld.pid"; then
  # Cancel jobs first: `scontrol shutdown` alone leaves running jobs' slurmstepd behind.
  jobs=$(squeue -h -o %i 2>/dev/null)
  if [ -n "$jobs" ]; then
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null
    for _ in $(seq 100); do [ -z "$(squeue -h -t R,CG -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  scontrol shutdown >/dev/null 2>&1   # asks slurmctld and slurmd to stop
fi
stop_pidfile "$DIR/slurmd.pid"
stop_pidfile "$DIR/slurmctld.pid"
if [ -e "$DIR/.munge-started-here" ]; then
  stop_pidfile /run/munge/munged.pid; rm -f "$DIR/.munge-started-here"
fi
[ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$DIR/slurm.conf" ] && rm -f /etc/slurm/slurm.conf
((PURGE)) && rm -rf "$DIR"
echo "slurm-down: stopped ($DIR$( ((PURGE)) && echo ', purged'))"
exit 0
