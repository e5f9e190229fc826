#!/bin/bash
# The direct-launch example (SPEC 2.3, like pjaexe): the Java master starts a non-MPI worker
# (job-worker.sh) on every node but its own with `jmswk aexe`; each worker learns its rank from
# JMSWK_VPID / PLE_VPID and sends its result back to the master over TCP.
# Vendor dialect: a 1-D shape of 4 nodes; the master sits at the origin (0).
#PJM -L "node=4"
#PJM --mpi "proc=1"
#PJM -L "elapse=5:00"
#PJM -s
# Slurm dialect: the same request.
#SBATCH --job-name=jmswk-aexe
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=1
#SBATCH --time=5:00
set -eu
JAVA=${JMSWK_JAVA:-java}
CP=${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}
HERE=$(cd "$(dirname "$0")" && pwd)
NODES=$(grep -c '[^[:space:]]' "$JMSWK_JOB_DIR/hostfile")
if [ "$NODES" = 1 ]; then IFACE=${JMSWK_AGENT_IFACE:-lo}; else IFACE=${JMSWK_AGENT_IFACE:-eth0}; fi
ADDR=$(ip -4 -o addr show dev "$IFACE" 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n 1)
[ -n "$ADDR" ] || { echo "job.sh: no IPv4 address on interface $IFACE" >&2; exit 2; }

# 1. a serving agent per node: the node end of jmswk aexe (registers in $JMSWK_JOB_DIR/agents)
#    Each node's agent has an mpiexec of its own (a failure domain per node): a lost node
#    takes down only its own agent, and aexe then lists it as broken.
SERVE=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.launcher.Jmswk agent --serve)
SERVERS=()
if [ "$NODES" = 1 ]; then
  mpiexec --enable-recovery -n 1 "${SERVE[@]}" &
  SERVERS+=($!)
else
  index=0
  while read -r node _; do
    [ -n "$node" ] || continue
    mpiexec --enable-recovery -n 1 --host "$node" "${SERVE[@]}" --node-index "$index" &
    SERVERS+=($!)
    index=$((index + 1))
  done < "$JMSWK_JOB_DIR/hostfile"
fi
for _ in $(seq 1 300); do
  [ "$(ls "$JMSWK_JOB_DIR/agents" 2>/dev/null | grep -c '^node-[0-9]*$')" -ge "$NODES" ] && break
  sleep 0.1
done

# 2. the master: workers on nodes (1) .. (N-1) of the shape
set +e
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.examples.aexe.AexeMaster \
  --bind "$ADDR" --nodes 4 --worker "$HERE/job-worker.sh"
STATUS=$?
kill "${SERVERS[@]}" 2>/dev/null
wait "${SERVERS[@]}"
exit $STATUS
