#!/bin/bash
# A plain non-MPI worker of the agent example: agent-worker.sh HOST PORT TASK (of job-agent.sh)
# Computes TASK squared and sends it back to the master at HOST:PORT (the address and port it
# was given), with the token the master put in its environment (JMSWK_RESULT_TOKEN).
# JMSWK_TASK_SECONDS (e.g. jmswk sub -x JMSWK_TASK_SECONDS=2) makes each task take that long.
set -eu
host=$1 port=$2 task=$3
sleep "${JMSWK_TASK_SECONDS:-0}"
result=$((task * task))
exec 3<>"/dev/tcp/$host/$port"
printf '%s %s %s %s\n' "${JMSWK_RESULT_TOKEN:-}" "$task" "$result" "$(hostname)" >&3
exec 3>&-
echo "task $task: $result"
