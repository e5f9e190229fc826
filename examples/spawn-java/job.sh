#!/bin/bash
# A Java master in the vendor guide's style (org.jmswk.examples.spawn.GuideSpawnMaster), the twin
# of examples/spawn-c: MPI.COMM_SELF.spawn of one worker per call, the port name sent over the
# spawn intercommunicator, then Mswk.accept/connect exchanges with plain send/probe/recv, a lost
# worker replaced. In a multi-node `jmswk sub --mswk` job libjmswk starts the workers of each
# spawn call by an mpiexec of their own (a failure domain per call), so a lost node costs only
# the workers of its call.  Arguments: [workers] [tasks] [task_ms] [one|all] (all: the first
# workers in one spawn call, one world, as the reference flow; lost ones replaced one per call)
#PJM -L "node=5"
#PJM --mpi "proc=1"
#PJM -L "elapse=10:00"
#PJM -s
#SBATCH --job-name=jmswk-spawn-java
#SBATCH --nodes=5
#SBATCH --ntasks-per-node=1
#SBATCH --time=10:00
set -eu
JAVA=${JMSWK_JAVA:-java}
CP=${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}
# --novm: the master's mpiexec starts a daemon only on the master's node, so no slave node is
# part of the master's Open MPI job (4.1 ends a job when any of its daemons is lost).
mpiexec --novm -n 1 "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" \
  org.jmswk.examples.spawn.GuideSpawnMaster "$@"
