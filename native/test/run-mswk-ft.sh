#!/bin/bash
# Runs the Mswk fault-injection cases on this host and prints PASS/FAIL.
# usage: run-mswk-ft.sh [path/to/mswk_ft] [repeat]
# Exit status 0 only when every case passed.
set -u
BIN=${1:-$(dirname "$0")/../build/bin/mswk_ft}
REPEAT=${2:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --oversubscribe --enable-recovery
        --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo -np 1)
status=0
out=$(mktemp)

# 1. exchanges + kill cases + a healthy worker afterwards, one mpirun
timeout 300 "${MPIRUN[@]}" "$BIN" all "$REPEAT" >"$out" 2>&1
rc=$?
grep -E '^(FAIL|MEDIAN|STATS|RESULT)' "$out"
if ! grep -q '^RESULT PASS' "$out" || grep -q '^FAIL' "$out"; then
  echo "FAIL cases (mpirun rc=$rc)"; tail -20 "$out"; status=1
else
  echo "PASS cases"
fi

# 2. the master dies: its worker must exit by itself (not linger)
timeout 60 "${MPIRUN[@]}" "$BIN" orphan >"$out" 2>&1 &
mpid=$!
wpid=
for _ in $(seq 200); do
  wpid=$(sed -n 's/^ORPHAN worker_pid \([0-9]*\).*/\1/p' "$out")
  [ -n "$wpid" ] && break
  sleep 0.05
done
if [ -z "$wpid" ]; then
  echo "FAIL orphan (no worker pid)"; cat "$out"; status=1
else
  t0=$(date +%s%N)   # the master kills itself ~200 ms after printing
  while kill -0 "$wpid" 2>/dev/null; do
    sleep 0.01
    if [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 10000 ]; then break; fi
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if kill -0 "$wpid" 2>/dev/null; then
    echo "FAIL orphan: worker $wpid still alive ${ms} ms after the master died"
    kill -9 "$wpid"; status=1
  else
    echo "PASS orphan: worker gone ${ms} ms after the master's last line (master died at ~200 ms)"
  fi
fi
wait $mpid 2>/dev/null
rm -f "$out"
echo "OVERALL $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
