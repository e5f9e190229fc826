package org.jmswk.launcher.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Datatype;
import org.jmswk.mpi.MPI;

/**
 * Two-rank ping-pong through the binding; the Java side of {@code jmswk bench pingpong}.
 * Same protocol as native/bench/pingpong_c.c: two warm-up sweeps over all sizes, then three
 * timed sweeps; rank 0 prints the median of the three per size. Usage: {@code PingPong heap|offheap [max_bytes]}.
 */
public final class PingPong {
  private PingPong() {}

  static final int WARM_SWEEPS = 2;
  static final int TIMED_SWEEPS = 3;

  static int iterations(long size) {
    long n = (64L << 20) / Math.max(size, 1);
    return (int) Math.max(200, Math.min(20000, n));
  }

  public static void main(String[] args) {
    boolean offHeap = args.length > 0 && args[0].equals("offheap");
    int max = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
    MPI.init();
    Comm world = MPI.COMM_WORLD;
    int rank = world.rank();
    if (world.size() != 2) {
      if (rank == 0) System.err.println("PingPong: needs exactly 2 ranks, got " + world.size());
      MPI.abort(world, 2);
    }
    byte[] array = new byte[max];
    MemorySegment segment = Arena.global().allocate(max, 64);
    int peer = 1 - rank;
    java.util.Map<Long, double[]> timed = new java.util.TreeMap<>();
    for (int phase = 0; phase < WARM_SWEEPS + TIMED_SWEEPS; phase++) {
      for (long bytes = 8; bytes <= max; bytes *= 8) {
        int size = (int) bytes;
        int n = phase == 0 ? iterations(bytes) / 4 : iterations(bytes);
        world.barrier();
        double t0 = MPI.wtime();
        if (offHeap) offHeapRoundTrips(world, rank, peer, segment, size, n);
        else heapRoundTrips(world, rank, peer, array, size, n);
        double t = MPI.wtime() - t0;
        if (phase >= WARM_SWEEPS) {
          timed.computeIfAbsent(bytes, b -> new double[TIMED_SWEEPS])[phase - WARM_SWEEPS] = t * 1e6 / (2.0 * n);
        }
        if (bytes * 8 > max && bytes != max) bytes = max / 8; // always end on max
      }
    }
    if (rank == 0) {
      timed.forEach((bytes, usec) -> {
        java.util.Arrays.sort(usec);
        System.out.printf("%d %.4f%n", bytes, usec[TIMED_SWEEPS / 2]);
      });
    }
    MPI.finish();
  }

  // One round trip is a method of its own: the JIT then compiles it as a whole method, not
  // only as an on-stack replacement of the loop (seen here: an OSR-compiled loop ran 8 B
  // messages 3x slower after the 1 MiB sweep), and each sees one buffer kind only.
  private static void offHeapRoundTrips(Comm world, int rank, int peer, MemorySegment buf, int size, int n) {
    for (int i = 0; i < n; i++) offHeapRoundTrip(world, rank, peer, buf, size);
  }

  private static void offHeapRoundTrip(Comm world, int rank, int peer, MemorySegment buf, int size) {
    if (rank == 0) {
      world.send(buf, size, Datatype.BYTE, peer, 0);
      world.recv(buf, size, Datatype.BYTE, peer, 0);
    } else {
      world.recv(buf, size, Datatype.BYTE, peer, 0);
      world.send(buf, size, Datatype.BYTE, peer, 0);
    }
  }

  private static void heapRoundTrips(Comm world, int rank, int peer, byte[] buf, int size, int n) {
    for (int i = 0; i < n; i++) heapRoundTrip(world, rank, peer, buf, size);
  }

  private static void heapRoundTrip(Comm world, int rank, int peer, byte[] buf, int size) {
    if (rank == 0) {
      world.send(buf, size, Datatype.BYTE, peer, 0);
      world.recv(buf, size, Datatype.BYTE, peer, 0);
    } else {
      world.recv(buf, size, Datatype.BYTE, peer, 0);
      world.send(buf, size, Datatype.BYTE, peer, 0);
    }
  }
}
