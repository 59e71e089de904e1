#!/usr/bin/env bash
# A real single-node Slurm cluster for the suite's executor tests: `start` installs slurm-wlm and
# munge with apt when missing, writes /etc/slurm/{slurm,cgroup}.conf (node `localhost`, partition
# `debug`), and starts munged, slurmctld and slurmd; `stop` ends them; `status` says whether sinfo
# answers. Needs root (CI and this machine run as root). Idempotent: `start` on a running cluster
# only checks it.
#
#   scripts/slurm-test-cluster.sh start && sinfo
#   scripts/slurm-test-cluster.sh stop
set -euo pipefail

LOGS=/var/log/slurm
CPUS=${SLURM_TEST_CPUS:-32} # more than the machine has (config_overrides): many small jobs at once

say() { printf 'slurm-test-cluster: %s\n' "$*" >&2; }

answers() { timeout 5 sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; }

install() {
  command -v slurmctld >/dev/null && command -v munged >/dev/null && return
  say "installing slurm-wlm and munge with apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq slurm-wlm munge >/dev/null
}

configure() {
  mkdir -p /etc/slurm "$LOGS" /var/spool/slurmctld /var/spool/slurmd /run/munge
  cat >/etc/slurm/slurm.conf <<EOF
# Written by dispatch's scripts/slurm-test-cluster.sh: a single-node test cluster.
ClusterName=dispatch-test
SlurmctldHost=localhost
AuthType=auth/munge
SlurmUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
NodeName=localhost CPUs=$CPUS RealMemory=4096 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  cat >/etc/slurm/cgroup.conf <<EOF
CgroupPlugin=cgroup/v1
IgnoreSystemd=yes
EOF
  chown munge:munge /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
}

start() {
  install
  if answers; then
    say "already running"
    return
  fi
  configure
  pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
  pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
  pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
  for _ in $(seq 1 60); do
    if answers; then
      scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true
      say "running: $(sinfo -h -o '%P %D %T' | tr '\n' ' ')"
      return
    fi
    sleep 0.5
  done
  say "the cluster did not come up; its logs:"
  tail -n 20 "$LOGS"/slurmctld.log "$LOGS"/slurmd.log >&2 || true
  exit 1
}

stop() {
  for daemon in slurmd slurmctld munged; do pkill -x "$daemon" 2>/dev/null || true; done
  say "stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) if answers; then sinfo; else
  say "not running"
  exit 1
fi ;;
*)
  echo "usage: $0 start|stop|status" >&2
  exit 2
  ;;
esac
