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
# In a multi-node `jmswk sub --mswk` job the workers of this one spawn call get a failure domain
# of their own (one mpiexec on their nodes, one world as MPI defines), and the job's mpiexec keeps
# the master's Open MPI job to its node, so a lost slave node does not take the master with it.
mpiexec -n 1 "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH_" \
  org.jmswk.examples.spawn.SpawnMaster "$@"
