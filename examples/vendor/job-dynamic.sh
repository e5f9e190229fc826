#!/bin/bash
# The vendor guide's dynamic-generation job script, unchanged in form: node= counts every node,
# shape=1/proc=1 one static process (the master) on the first node, and a plain mpiexec.
# jmswk's mpiexec starts proc= processes (here 1), while MPI_UNIVERSE_SIZE covers every node.
#   pjsub --mswk job-dynamic.sh           (or: jmswk sub --mswk ..., add --cluster docker:3)
#PJM -L "node=4"
#PJM --mpi "shape=1"
#PJM --mpi "proc=1"
#PJM -L "elapse=5:00"
#PJM -s
JAVA=${JMSWK_JAVA:-java}
CP=${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}
# In a multi-node `jmswk sub --mswk` job the workers of this one spawn call get a failure domain
# of their own (one mpiexec on their nodes, one world as MPI defines), and the job's mpiexec keeps
# the master's Open MPI job to its node, so a lost slave node does not take the master with it.
mpiexec "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.examples.spawn.SpawnMaster "$@"
