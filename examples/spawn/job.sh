#!/bin/bash
# The dynamic-spawn example (SPEC 2.1) as a job: one master, MPI_UNIVERSE_SIZE - 1 workers.
# Vendor dialect: 4 nodes in all, 1 static process (the master) on the first node.
#PJM -L "node=4"
#PJM --mpi "proc=1"
#PJM -L "elapse=5:00"
#PJM -s
# Slurm dialect: the same request.
#SBATCH --job-name=jmswk-spawn
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=1
#SBATCH --time=5:00
#
# Run it: jmswk demo (this machine).  The launcher sets the hosts and slots, so a plain
# mpiexec gets the right MPI_UNIVERSE_SIZE. Optional argument: the message to send.
set -eu
JAVA=${JMSWK_JAVA:-java}
CLASSPATH_=${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}
# The reference flow spawns all workers in one call and they connect as one world (a root), which
# failure domains of one process each cannot give: in a multi-node --mswk job such a spawn would
# be refused (MPI_ERR_SPAWN). So this job keeps Open MPI's own spawn (a lost node ends the job);
# for a Java master whose workers survive a lost node, see examples/spawn-java (one worker per call).
export JMSWK_DOMAIN_SPAWN=0
mpiexec -n 1 "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH_" \
  org.jmswk.examples.spawn.SpawnMaster "$@"
