/* A C master for the exit-status tests: exit_master MODE [CODE]
 * MODE: size (print world and universe size), exit (exit CODE after MPI_Finalize),
 * abort (MPI_Abort(MPI_COMM_WORLD, CODE)), segv (die of SIGSEGV). */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  const char *mode = argc > 1 ? argv[1] : "size";
  int code = argc > 2 ? atoi(argv[2]) : 0;
  int rank, size, flag, universe = -1;
  int *attr;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &attr, &flag);
  if (flag) universe = *attr;
  printf("c master %d: world size %d, universe size %d\n", rank, size, universe);
  fflush(stdout);
  if (!strcmp(mode, "abort")) MPI_Abort(MPI_COMM_WORLD, code);
  if (!strcmp(mode, "segv")) raise(SIGSEGV);
  MPI_Finalize();
  return !strcmp(mode, "exit") ? code : 0;
}
