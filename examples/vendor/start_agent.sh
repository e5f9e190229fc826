#!/bin/bash
# The guide's agent wrapper: start_agent.sh MASTER_ADDR MASTER_PORT, one per node, started by
# mpiexec. The MPI launcher expects MPI_Init/MPI_Finalize of every program it starts: jmswk agent
# does exactly that first, then serves the master as a plain process (on the master's own node
# it exits at once).
exec "${JMSWK_JAVA:-java}" --enable-native-access=ALL-UNNAMED \
  -cp "${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}" org.jmswk.launcher.Jmswk agent \
  --master-host "$1" --port "$2"
