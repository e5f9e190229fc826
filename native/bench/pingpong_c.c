/*
 * Two-rank ping-pong, the C reference for `jmswk bench pingpong`.
 * Same protocol as org.jmswk.launcher.bench.PingPong: two untimed sweeps over
 * all sizes (iters/4, then iters round trips each: the JVM needs them for its
 * JIT to settle), then three timed sweeps; rank 0 prints "size one_way_usec",
 * the median of the three, per size.
 * Usage: pingpong_c [max_bytes]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int iterations(long size) {
  long n = (64L << 20) / (size > 0 ? size : 1);
  if (n > 20000) n = 20000;
  if (n < 200) n = 200;
  return (int)n;
}

int main(int argc, char **argv) {
  long max = argc > 1 ? atol(argv[1]) : (1L << 20);
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != 2) {
    if (rank == 0) fprintf(stderr, "pingpong_c: needs exactly 2 ranks, got %d\n", size);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  enum { WARM = 2, TIMED = 3, MAX_SIZES = 32 };
  double timed[MAX_SIZES][TIMED];
  long sizes[MAX_SIZES];
  int nsizes = 0;
  char *buf = malloc(max);
  memset(buf, 1, max);
  for (int phase = 0; phase < WARM + TIMED; phase++) {
    int k = 0;
    for (long bytes = 8; bytes <= max && k < MAX_SIZES; bytes *= 8, k++) {
      int n = phase == 0 ? iterations(bytes) / 4 : iterations(bytes);
      MPI_Barrier(MPI_COMM_WORLD);
      double t0 = MPI_Wtime();
      for (int i = 0; i < n; i++) {
        if (rank == 0) {
          MPI_Send(buf, (int)bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
          MPI_Recv(buf, (int)bytes, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
          MPI_Recv(buf, (int)bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          MPI_Send(buf, (int)bytes, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
        }
      }
      double t = MPI_Wtime() - t0;
      if (phase >= WARM) timed[k][phase - WARM] = t * 1e6 / (2.0 * n);
      sizes[k] = bytes;
      nsizes = k + 1;
      if (bytes * 8 > max && bytes != max) bytes = max / 8; /* always end on max */
    }
  }
  for (int k = 0; rank == 0 && k < nsizes; k++) {
    double *v = timed[k]; /* median of three */
    double lo = v[0] < v[1] ? v[0] : v[1], hi = v[0] < v[1] ? v[1] : v[0];
    double med = v[2] < lo ? lo : (v[2] > hi ? hi : v[2]);
    printf("%ld %.4f\n", sizes[k], med);
  }
  free(buf);
  MPI_Finalize();
  return 0;
}
