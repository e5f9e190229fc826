#!/bin/bash
# A plain non-MPI worker of the aexe example: job-worker.sh HOST PORT (task = JMSWK_VPID)
# Computes TASK squared and sends it back to the master at HOST:PORT (the address and port it
# was given), with the token the master put in its environment (JMSWK_RESULT_TOKEN).
set -eu
host=$1 port=$2 task=${3:-$JMSWK_VPID}
result=$((task * task))
exec 3<>"/dev/tcp/$host/$port"
printf '%s %s %s %s\n' "${JMSWK_RESULT_TOKEN:-}" "$task" "$result" "$(hostname)" >&3
exec 3>&-
echo "task $task: $result"
