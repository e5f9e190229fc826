#!/bin/bash
# jmswk-slurm-start head|node — starts this container's part of the cluster's Slurm, once
# `jmswk cluster up --slurm` has written /etc/munge/munge.key (fresh per cluster start),
# /etc/slurm/slurm.conf and, on the head, /etc/slurm/slurmdbd.conf.
#   head: munged, MariaDB (the accounting database), slurmdbd, the cluster's record in it, slurmctld
#   node: munged, slurmd
# Every wait is bounded; a daemon that does not come up ends this script with its log's tail.
set -euo pipefail
role=${1:-}
die() { echo "jmswk-slurm-start: $*" >&2; exit 1; }
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s
wait_for() {
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what not ready within $limit s"
}
[ -s /etc/munge/munge.key ] || die "no /etc/munge/munge.key (the cluster writes one per start)"
[ -s /etc/slurm/slurm.conf ] || die "no /etc/slurm/slurm.conf"

install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
runuser -u munge -- /usr/sbin/munged
wait_for 10 munged munge -n
install -d -m 0755 /var/log/slurm /var/spool/slurmctld /var/spool/slurmd

case $role in
  head)
    install -d -o mysql -g mysql -m 0755 /run/mysqld
    nohup /usr/sbin/mariadbd --user=mysql --skip-networking >/var/log/slurm/mariadb.log 2>&1 </dev/null &
    wait_for 30 MariaDB mariadb -e 'select 1' || { tail -20 /var/log/slurm/mariadb.log >&2; exit 1; }
    chmod 0600 /etc/slurm/slurmdbd.conf
    /usr/sbin/slurmdbd
    wait_for 30 slurmdbd sacctmgr -n list cluster || { tail -20 /var/log/slurm/slurmdbd.log >&2; exit 1; }
    cluster=$(sed -n 's/^ClusterName=//p' /etc/slurm/slurm.conf)
    sacctmgr -i -Q add cluster "$cluster" >/dev/null 2>&1 || true
    /usr/sbin/slurmctld
    wait_for 30 slurmctld scontrol ping || { tail -20 /var/log/slurm/slurmctld.log >&2; exit 1; }
    ;;
  node)
    /usr/sbin/slurmd
    ;;
  *) die "usage: jmswk-slurm-start head|node" ;;
esac
