#!/bin/bash
# A C master in the vendor guide's style (native/test/spawn_domains.c, built with jmswk-mpicc):
# MPI_Comm_spawn of one worker per slave node, the port name sent over the spawn
# intercommunicator, then FJMPI_Mswk_accept/connect exchanges with MPI_Send/MPI_Recv, a lost
# worker replaced. In a multi-node `jmswk sub --mswk` job libjmswk starts each spawned worker
# by an mpiexec of its own on its node (a failure domain per worker), so a lost node costs only
# its worker.  Arguments: [workers] [tasks] [task_ms]
#PJM -L "node=5"
#PJM --mpi "proc=1"
#PJM -L "elapse=10:00"
#PJM -s
#SBATCH --job-name=jmswk-spawn-c
#SBATCH --nodes=5
#SBATCH --ntasks-per-node=1
#SBATCH --time=10:00
set -eu
# --novm: the master's mpiexec starts a daemon only on the master's node, so no slave node is
# part of the master's Open MPI job (4.1 ends a job when any of its daemons is lost).
mpiexec --novm -n 1 "${JMSWK_HOME:-/opt/jmswk}/bin/spawn_domains" "$@"
