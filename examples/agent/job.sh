#!/bin/bash
# The agent example (SPEC 2.2): a Java master starts non-MPI workers through one jmswk agent
# per node; the workers (job-worker.sh) send their results back to the master over TCP.
# Vendor dialect: 4 nodes, one agent process per node.
#PJM -L "node=4"
#PJM --mpi "proc=4"
#PJM -L "elapse=5:00"
#PJM -s
# Slurm dialect: the same request.
#SBATCH --job-name=jmswk-agent
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=1
#SBATCH --time=5:00
#
# Optional arguments: number of tasks (default 8). JMSWK_AGENT_IFACE names the network
# interface whose address the master listens on (default: lo on one host, else eth0).
set -eu
JAVA=${JMSWK_JAVA:-java}
CP=${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}
HERE=$(cd "$(dirname "$0")" && pwd)
TASKS=${1:-8}
NODES=$(grep -c '[^[:space:]]' "$JMSWK_JOB_DIR/hostfile")
if [ "$NODES" = 1 ]; then IFACE=${JMSWK_AGENT_IFACE:-lo}; else IFACE=${JMSWK_AGENT_IFACE:-eth0}; fi
ADDR=$(ip -4 -o addr show dev "$IFACE" 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n 1)
[ -n "$ADDR" ] || { echo "job.sh: no IPv4 address on interface $IFACE" >&2; exit 2; }
PORT_FILE=$JMSWK_JOB_DIR/master.port
rm -f "$PORT_FILE"

# 1. the master, in the background: it listens and writes its port to a file
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.examples.agent.AgentMaster \
  --bind "$ADDR" --port-file "$PORT_FILE" --tasks "$TASKS" --worker "$HERE/job-worker.sh" &
MASTER=$!
for _ in $(seq 1 300); do [ -s "$PORT_FILE" ] && break; kill -0 "$MASTER" 2>/dev/null || break; sleep 0.1; done
[ -s "$PORT_FILE" ] || { echo "job.sh: the master wrote no port" >&2; wait "$MASTER"; exit 1; }
PORT=$(cat "$PORT_FILE")

# 2. one agent per node (on one host: one per emulated node, rank 0 plays the master's node).
#    On a real cluster each node's agent gets an mpiexec of its own: a failure domain per node,
#    so a lost node takes down only its own agent (one mpiexec over all nodes is ended as a
#    whole by Open MPI when any node is lost). --enable-recovery: a dead agent must not make
#    its mpiexec end the job.
AGENT=("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.launcher.Jmswk agent
       --master-host "$ADDR" --port "$PORT")
AGENTS=()
if [ "$NODES" = 1 ]; then
  mpiexec --enable-recovery -n 4 "${AGENT[@]}" --emulated-nodes &
  AGENTS+=($!)
else
  while read -r node _; do
    [ -n "$node" ] || continue
    mpiexec --enable-recovery -n 1 --host "$node" "${AGENT[@]}" &
    AGENTS+=($!)
  done < "$JMSWK_JOB_DIR/hostfile"
fi

# 3. the job lives as long as the master. Agents leave when their master has gone; an mpiexec
#    whose node was lost may still be waiting on it: give them 20 s, then end them.
set +e
wait "$MASTER"
STATUS=$?
for _ in $(seq 1 200); do
  alive=0
  for pid in "${AGENTS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [ "$alive" = 0 ] && break
  sleep 0.1
done
kill "${AGENTS[@]}" 2>/dev/null
wait "${AGENTS[@]}" 2>/dev/null
exit $STATUS
