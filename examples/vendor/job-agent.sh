#!/bin/bash
# The vendor guide's agent job script: the master starts in the background and writes its port
# to a file, then one agent per node is started by a plain mpiexec (proc= = nodes), through
# start_agent.sh, the wrapper that satisfies MPI_Init/MPI_Finalize; the job lives as long as
# the master. The agents start non-MPI workers (agent-worker.sh) for the master.
#   pjsub --mswk job-agent.sh [TASKS]
#PJM -L "node=4"
#PJM --mpi "proc=4"
#PJM -L "elapse=5:00"
#PJM -s
JAVA=${JMSWK_JAVA:-java}
CP=${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}
HERE=$(cd "$(dirname "$0")" && pwd)
TASKS=${1:-8}
# the master node's address on a named interface (eth0 on a cluster; this machine's own else)
IFACE=eth0
ADDR=$(ip -4 -o addr show dev "$IFACE" 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n 1)
[ -n "$ADDR" ] || ADDR=127.0.0.1
PORT_FILE=./master.port.$JMSWK_JOB_ID
rm -f "$PORT_FILE"

"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.examples.agent.AgentMaster \
  --bind "$ADDR" --port-file "$PORT_FILE" --tasks "$TASKS" --worker "$HERE/agent-worker.sh" &
MASTER_PID=$!
for _ in $(seq 1 300); do [ -s "$PORT_FILE" ] && break; kill -0 "$MASTER_PID" 2>/dev/null || break; sleep 0.1; done
[ -s "$PORT_FILE" ] || { echo "job-agent.sh: the master wrote no port" >&2; kill "$MASTER_PID" 2>/dev/null; exit 1; }
PORT=$(cat "$PORT_FILE")

mpiexec "$HERE/start_agent.sh" "$ADDR" "$PORT" &

wait "$MASTER_PID"
STATUS=$?
rm -f "$PORT_FILE"
exit $STATUS
