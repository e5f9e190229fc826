#!/bin/bash
# A failure-tolerant parameter sweep (FarmExecutor: futures over its own transport): one master, 4 workers.
#PJM -L "node=5"
#PJM --mpi "proc=1"
#PJM -L "elapse=10:00"
#PJM -s
#SBATCH --job-name=jmswk-sweep
#SBATCH --nodes=5
#SBATCH --ntasks-per-node=1
#SBATCH --time=10:00
#
# Run it: jmswk sub --mswk examples/farm/job.sh [POINTS]   (add --cluster docker for 5 nodes)
# Kill a worker while it runs (pkill -9 -f SweepWorker): its point is re-run, the job ends with 0.
set -eu
JAVA=${JMSWK_JAVA:-java}
CLASSPATH_=${JMSWK_CLASSPATH:-${JMSWK_HOME:-/opt/jmswk}/lib/jmswk.jar}
# --novm: the master's mpiexec starts a daemon only on the master's node. Open MPI 4.1 ends an
# mpiexec job when any of its daemons is lost; across nodes (jmswk sub --mswk --cluster/Slurm)
# each worker gets an mpiexec of its own on its node instead (docs/failure-isolation.md), so
# a lost node takes only its own workers. (Not for MPI_Comm_spawn: 4.1's mpirun crashes in
# spawn under --novm.)
mpiexec --novm -n 1 "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH_" \
  org.jmswk.examples.farm.SweepMaster "$@"
