#!/bin/bash
# The vendor guide's direct-launch job script: the script is the master and starts a non-MPI
# worker on every other node of a 2x2 shape with pjaexe, each under the guide's own timeout
# function, the command as one string with its redirections; a node whose launch times out or
# fails goes on the script's broken-node list and is not used again.
#   pjsub --mswk job-direct.sh
#PJM -L "node=2x2"
#PJM -L "elapse=5:00"
#PJM -s
cd "$(dirname "$0")"
WORK=./direct.$JMSWK_JOB_ID
mkdir -p "$WORK/stdout" "$WORK/stderr"

# the guide's timeout: run a command in the background, kill it after $1 seconds
timeout() {
  local limit=$1
  shift
  eval '"$@"' &
  local pid=$!
  ( sleep "$limit"; kill -TERM "$pid" 2>/dev/null ) >/dev/null 2>&1 &
  local killer=$!
  wait "$pid"
  local status=$?
  kill "$killer" 2>/dev/null
  return $status
}

BROKEN=" "
started=0
for x in 0 1; do
  for y in 0 1; do
    [ "$x,$y" = "0,0" ] && continue                     # the master's own node
    case "$BROKEN" in *" ($x,$y) "*) continue ;; esac
    timeout 60 pjaexe --vcoord "($x,$y)" "./worker.sh >> $WORK/stdout/$x.$y.txt 2>> $WORK/stderr/$x.$y.txt"
    status=$?
    if [ "$status" = 0 ]; then
      started=$((started + 1))
    elif [ "$status" != 1 ]; then                      # 1: our own mistake, not the node's
      BROKEN="$BROKEN($x,$y) "
      echo "node ($x,$y) is broken (pjaexe exit $status)"
    fi
  done
done
# the workers run on after pjaexe returned: wait for their output
for _ in $(seq 1 300); do
  [ "$(cat "$WORK"/stdout/*.txt 2>/dev/null | wc -l)" -ge "$started" ] && break
  sleep 0.1
done
cat "$WORK"/stdout/*.txt
echo "master: $started workers started, broken nodes:${BROKEN}"
rm -rf "$WORK"
[ "$started" -gt 0 ]
