#!/usr/bin/env bash
# slurm-up.sh [DIR] -- a one-node Slurm (slurmctld + slurmd + munged) on this machine, for tests.
# Run as root. Needs no systemd and no stdin. Idempotent: it installs only missing packages,
# keeps daemons that already run, and waits until `sinfo` reports the node idle.
#   DIR (default /var/tmp/nepforge-slurm): slurm.conf, state, spool, logs, pid files, env.sh.
#   No accounting database: plain `sacct` fails; finished jobs are read with `scontrol show job`
#   (kept MinJobAge=300 s) or `sacct -c` (jobcomp file). Clients: /etc/slurm/slurm.conf links here,
#   or `. DIR/env.sh` (sets SLURM_CONF, which is safer: no configless DNS lookup).
# Ports: SLURMCTLD_PORT (6817), SLURMD_PORT (6818). Wait limit: SLURM_UP_TIMEOUT seconds (30).
set -euo pipefail
DIR=$(realpath -m "${1:-/var/tmp/nepforge-slurm}")
TIMEOUT=${SLURM_UP_TIMEOUT:-30}
export DEBIAN_FRONTEND=noninteractive SLURM_CONF="$DIR/slurm.conf"
t0=$(date +%s%N)
die() { echo "slurm-up: $*" >&2; exit 1; }
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
[ "$(id -u)" = 0 ] || die "must run as root"

# 1. Packages (Debian). A temporary policy-rc.d stops postinst scripts from starting daemons
#    against a config that does not exist yet. libpmix-dev: lets `srun` start OpenMPI programs.
pkgs=(munge slurm-client slurmctld slurmd libpmix-dev)
missing=()
for p in "${pkgs[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "slurm-up: installing ${missing[*]}" >&2
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1
  fi
  apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
  ((own_policy)) && rm -f /usr/sbin/policy-rc.d
fi
mkdir -p "$DIR"/state "$DIR"/spool "$DIR"/log

# 2. munge: authenticates daemons and clients. /run/munge is a tmpfs folder systemd would make.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
  fi
  install -d -o munge -g munge -m 755 /run/munge
  runuser -u munge -- /usr/sbin/munged </dev/null   # daemonizes; pid in /run/munge/munged.pid
  touch "$DIR/.munge-started-here"
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || die "munged did not come up"
fi

# 3. slurm.conf. The node must be named `hostname -s` (slurmd identifies itself by it) and must not
#    claim more CPUs/memory than `slurmd -C` sees (else it drains).
NODE=$(hostname -s)
HW=$(slurmd -C | awk 'NR == 1 { sub(/^NodeName=[^ ]* /, ""); print }')
conf_new=$(cat <<CONF
# written by scripts/slurm-up.sh: single node on 127.0.0.1, daemons run as root, no accounting DB
ClusterName=nepforge
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
# no systemd, so no cgroup plugins: plain process tracking, no binding, --mem not enforced
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=pmix
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# without it a job with no --mem takes the whole node's memory and jobs run one at a time
DefMemPerCPU=1000
ReturnToService=2
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$NODE NodeAddr=127.0.0.1 $HW State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
)
changed=0
if [ "$(cat "$DIR/slurm.conf" 2>/dev/null)" != "$conf_new" ]; then
  printf '%s\n' "$conf_new" >"$DIR/slurm.conf"; changed=1
fi
echo "export SLURM_CONF=$DIR/slurm.conf" >"$DIR/env.sh"
if [ ! -e /etc/slurm/slurm.conf ] || [ -L /etc/slurm/slurm.conf ]; then
  mkdir -p /etc/slurm; ln -sfn "$DIR/slurm.conf" /etc/slurm/slurm.conf
fi

# 4. Daemons (both daemonize; -f = this config). A changed config is re-read by a running controller.
if alive "$DIR/slurmctld.pid"; then
  ((changed)) && scontrol reconfigure >/dev/null 2>&1 || true
else
  slurmctld -f "$DIR/slurm.conf" </dev/null
fi
alive "$DIR/slurmd.pid" || slurmd -f "$DIR/slurm.conf" </dev/null

# 5. Wait for idle (resume a node left drained/down by an earlier run).
state=""
end=$(( $(date +%s) + TIMEOUT ))
while :; do
  state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
  case "$state" in
    idle|mixed|allocated) break ;;
    drain*|down*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
  esac
  [ "$(date +%s)" -ge "$end" ] && {
    echo "slurm-up: node $NODE is '${state:-unknown}' after ${TIMEOUT} s, not idle; logs in $DIR/log/" >&2
    tail -n 5 "$DIR"/log/*.log >&2 || true
    exit 1
  }
  sleep 0.25
done
cpus=$(sinfo -h -n "$NODE" -o %c 2>/dev/null || echo '?')
mem=$(sinfo -h -n "$NODE" -o %m 2>/dev/null || echo '?')
echo "slurm-up: node $NODE $state (${cpus} CPUs, ${mem} MB) after $(( ($(date +%s%N) - t0) / 1000000 )) ms; SLURM_CONF=$DIR/slurm.conf"
