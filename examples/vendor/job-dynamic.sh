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
# The reference flow spawns all workers in one call and they connect as one world (a root), which
# failure domains of one process each cannot give: in a multi-node --mswk job such a spawn would
# be refused (MPI_ERR_SPAWN). So this job keeps Open MPI's own spawn (a lost node ends the job);
# for a Java master whose workers survive a lost node, see examples/spawn-java (one worker per call).
export JMSWK_DOMAIN_SPAWN=0
mpiexec "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" org.jmswk.examples.spawn.SpawnMaster "$@"
