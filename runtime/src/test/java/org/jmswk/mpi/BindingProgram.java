package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jmswk.testkit.Checks;

/**
 * Run with 2 ranks and JMSWK_THREAD_LEVEL=multiple. Rank 0 sends, rank 1 receives: point to point
 * of every Datatype (heap arrays with offsets, native segments), probe/iprobe, isend/irecv with
 * test and wait, a cancelled irecv, barrier, bcast, Info, the thread level from the environment,
 * and error paths that must throw and let the program go on to finalize.
 */
public final class BindingProgram {
  private BindingProgram() {}

  static final int HEAP_TAG = 100;
  static final int NATIVE_TAG = 200;

  public static void main(String[] args) throws Exception {
    boolean before = MPI.isInitialized();
    ThreadLevel provided = MPI.init();
    int rank = MPI.COMM_WORLD.rank();
    Checks c = new Checks("rank" + rank);
    try {
      c.check("initialized", !before && MPI.isInitialized() && !MPI.isFinalized(), "before=" + before);
      c.equal("thread-level-env", ThreadLevel.MULTIPLE, provided);
      c.equal("query-thread", ThreadLevel.MULTIPLE, MPI.queryThread());
      c.equal("world-size", 2, MPI.COMM_WORLD.size());
      c.check("world-intra", !MPI.COMM_WORLD.isInter(), "isInter");
      c.check("no-parent", MPI.parent().isNull(), MPI.parent());
      if (MPI.COMM_WORLD.size() != 2) throw new IllegalStateException("run with 2 ranks");
      pointToPoint(c, rank);
      nonBlocking(c, rank);
      collectives(c, rank);
      errors(c, rank);
      if (rank == 0) info(c);
    } catch (Throwable t) {
      c.unexpected("program", t);
    }
    MPI.finish();
    c.check("finalized", MPI.isFinalized(), "isFinalized false");
    System.exit(c.exitCode());
  }

  // ---- blocking point to point of every type, heap and native -----------------------

  static void pointToPoint(Checks c, int rank) throws InterruptedException {
    Comm world = MPI.COMM_WORLD;
    for (Datatype type : Values.ALL) {
      int tag = HEAP_TAG + indexOf(type);
      Object data = Values.array(type, 10, 7);
      if (rank == 0) {
        world.send(data, 3, 5, type, 1, tag); // elements 3..7
      } else {
        // iprobe until the message is there (bounded), then probe; both count elements of type
        Status seen = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (seen == null && System.nanoTime() < deadline) {
          seen = world.iprobe(0, tag, type);
          if (seen == null) Thread.sleep(1);
        }
        c.check("iprobe-" + type, seen != null && seen.count() == 5 && seen.source() == 0 && seen.tag() == tag,
            seen);
        Status probed = world.probe(MPI.ANY_SOURCE, MPI.ANY_TAG, type);
        c.check("probe-" + type, probed.count() == 5 && probed.source() == 0 && probed.tag() == tag, probed);
        Status bytes = world.probe(0, tag);
        c.equal("probe-bytes-" + type, 5 * type.size(), bytes.count());

        Object into = Values.sentinel(type, 12);
        Status st = world.recv(into, 4, 6, type, 0, tag); // room for 6, 5 arrive at 4..8
        c.check("recv-heap-status-" + type, st.count() == 5 && st.source() == 0 && st.tag() == tag
            && !st.cancelled(), st);
        c.equal("recv-heap-data-" + type, Values.slice(data, 3, 5), Values.slice(into, 4, 5));
        Object untouched = Values.sentinel(type, 12);
        c.check("recv-heap-rest-" + type,
            java.util.Objects.deepEquals(Values.slice(into, 0, 4), Values.slice(untouched, 0, 4))
                && java.util.Objects.deepEquals(Values.slice(into, 9, 3), Values.slice(untouched, 9, 3)),
            "elements outside 4..8 changed");
      }
    }
    // native segments: the zero-copy path
    try (Arena arena = Arena.ofConfined()) {
      for (Datatype type : Values.ALL) {
        int tag = NATIVE_TAG + indexOf(type);
        Object data = Values.array(type, 7, 13);
        if (rank == 0) {
          MemorySegment seg = arena.allocate(7L * type.size(), 8);
          Values.store(data, seg);
          world.send(seg, 7, type, 1, tag);
        } else {
          MemorySegment seg = arena.allocate(8L * type.size(), 8);
          seg.fill((byte) 0x77);
          Status st = world.recv(seg, 8, type, 0, tag);
          MemorySegment expected = arena.allocate(7L * type.size(), 8);
          Values.store(data, expected);
          c.equal("recv-native-count-" + type, 7, st.count());
          c.check("recv-native-data-" + type,
              MemorySegment.mismatch(seg, 0, 7L * type.size(), expected, 0, 7L * type.size()) == -1
                  && seg.get(ValueLayout.JAVA_BYTE, 8L * type.size() - 1) == 0x77,
              "segment differs from what was sent");
        }
      }
      // a heap send received into native memory and the reverse: the same bytes on the wire
      if (rank == 0) {
        world.send(new long[] {Long.MIN_VALUE, 42, -1}, 3, Datatype.LONG, 1, 300);
        MemorySegment seg = arena.allocate(3L * Integer.BYTES, 8);
        seg.setAtIndex(ValueLayout.JAVA_INT, 0, 11);
        seg.setAtIndex(ValueLayout.JAVA_INT, 1, -22);
        seg.setAtIndex(ValueLayout.JAVA_INT, 2, Integer.MAX_VALUE);
        world.send(seg, 3, Datatype.INT, 1, 301);
      } else {
        MemorySegment seg = arena.allocate(3L * Long.BYTES, 8);
        world.recv(seg, 3, Datatype.LONG, 0, 300);
        c.equal("heap-to-native", new long[] {Long.MIN_VALUE, 42, -1}, seg.toArray(ValueLayout.JAVA_LONG));
        int[] ints = new int[3];
        world.recv(ints, 3, Datatype.INT, 0, 301);
        c.equal("native-to-heap", new int[] {11, -22, Integer.MAX_VALUE}, ints);
      }
    }
    // a large message (beyond the 64 KiB scratch buffer and the eager limit)
    int n = 300_000;
    if (rank == 0) {
      double[] big = (double[]) Values.array(Datatype.DOUBLE, n, 99);
      world.send(big, n, Datatype.DOUBLE, 1, 400);
    } else {
      double[] big = new double[n];
      Status st = world.recv(big, n, Datatype.DOUBLE, 0, 400);
      c.check("recv-large", st.count() == n
          && java.util.Arrays.equals(big, (double[]) Values.array(Datatype.DOUBLE, n, 99)), st);
    }
  }

  static int indexOf(Datatype type) {
    return List.of(Values.ALL).indexOf(type);
  }

  // ---- isend / irecv ------------------------------------------------------------------

  static void nonBlocking(Checks c, int rank) throws InterruptedException {
    Comm world = MPI.COMM_WORLD;
    if (rank == 1) {
      int[] into = new int[10];
      java.util.Arrays.fill(into, -9);
      Request r = world.irecv(into, 2, 6, Datatype.INT, 0, 500);
      c.check("irecv-test-pending", r.test() == null && !r.isNull(), "test() completed before the send");
      world.barrier(); // now rank 0 sends
      Status st = null;
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (st == null && System.nanoTime() < deadline) {
        st = r.test();
        if (st == null) Thread.sleep(1);
      }
      c.check("irecv-test-complete", st != null && st.count() == 4 && st.source() == 0 && st.tag() == 500, st);
      c.equal("irecv-heap-data", new int[] {-9, -9, 1, 2, 3, 4, -9, -9, -9, -9}, into);
      c.check("irecv-request-null", r.isNull(), "handle not MPI_REQUEST_NULL after completion");
      c.check("irecv-test-again", r.test() == st && r.waitFor() == st, "status not kept");

      try (Arena arena = Arena.ofConfined()) {
        MemorySegment seg = arena.allocate(5L * Double.BYTES, 8);
        Request w = world.irecv(seg, 5, Datatype.DOUBLE, 0, 501);
        Status ws = w.waitFor();
        c.check("irecv-native-wait", ws.count() == 3 && java.util.Arrays.equals(
            new double[] {0.5, -1.5, 1e300}, seg.asSlice(0, 3L * Double.BYTES).toArray(ValueLayout.JAVA_DOUBLE)), ws);
      }

      // a receive nobody will match, cancelled
      char[] never = "untouched".toCharArray();
      Request cancelled = world.irecv(never, 0, never.length, Datatype.CHAR, 0, 999);
      cancelled.cancel();
      Status cs = cancelled.waitFor();
      c.check("irecv-cancelled", cs.cancelled(), cs);
      c.equal("irecv-cancelled-untouched", "untouched", new String(never));
      world.barrier();
    } else {
      world.barrier();
      Request s = world.isend(new int[] {0, 1, 2, 3, 4, 5}, 1, 4, Datatype.INT, 1, 500);
      Status st = s.waitFor();
      c.check("isend-heap-wait", st != null && !st.cancelled() && s.isNull(), st);
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment seg = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 0.5, -1.5, 1e300);
        Request ns = world.isend(seg, 3, Datatype.DOUBLE, 1, 501);
        Status done = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (done == null && System.nanoTime() < deadline) {
          done = ns.test();
          if (done == null) Thread.sleep(1);
        }
        c.check("isend-native-test", done != null, "isend never completed");
      }
      world.barrier();
    }
  }

  // ---- collectives --------------------------------------------------------------------

  static void collectives(Checks c, int rank) throws InterruptedException {
    Comm world = MPI.COMM_WORLD;
    world.barrier();
    if (rank == 0) Thread.sleep(400);
    long t0 = System.nanoTime();
    world.barrier();
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    if (rank == 1) c.check("barrier-waits", waitedMs >= 300, "barrier returned after " + waitedMs + " ms");

    long[] longs = rank == 1 ? new long[] {7, -7, Long.MAX_VALUE} : new long[3];
    world.bcast(longs, 3, Datatype.LONG, 1);
    c.equal("bcast-heap", new long[] {7, -7, Long.MAX_VALUE}, longs);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(4L * Float.BYTES, 8);
      if (rank == 0) for (int i = 0; i < 4; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 1.25f);
      world.bcast(seg, 4, Datatype.FLOAT, 0);
      c.equal("bcast-native", new float[] {0f, 1.25f, 2.5f, 3.75f}, seg.toArray(ValueLayout.JAVA_FLOAT));
    }
    Comm dup = world.dup();
    c.check("dup", dup.size() == 2 && dup.rank() == rank && !dup.isNull(), dup);
    boolean[] flags = rank == 0 ? new boolean[] {true, false, true} : new boolean[3];
    dup.bcast(flags, 3, Datatype.BOOLEAN, 0);
    c.equal("bcast-dup-boolean", new boolean[] {true, false, true}, flags);
    dup.free();
    c.check("free-makes-null", dup.isNull(), dup);
  }

  // ---- errors: thrown, classified, and survivable ---------------------------------------

  static void errors(Checks c, int rank) {
    Comm world = MPI.COMM_WORLD;
    c.mpiError("send-invalid-rank", ErrorClass.ERR_RANK, () -> world.send(new int[1], 1, Datatype.INT, 2, 0));
    c.mpiError("send-negative-rank", ErrorClass.ERR_RANK, () -> world.send(new int[1], 1, Datatype.INT, -7, 0));
    c.mpiError("send-invalid-tag", ErrorClass.ERR_TAG, () -> world.send(new int[1], 1, Datatype.INT, 1 - rank, -5));
    c.mpiError("isend-invalid-rank", ErrorClass.ERR_RANK, () -> world.isend(new int[1], 0, 1, Datatype.INT, 5, 0));
    c.mpiError("bcast-invalid-root", ErrorClass.ERR_ROOT, () -> world.bcast(new int[1], 1, Datatype.INT, 9));
    c.expectThrows("array-bounds", IndexOutOfBoundsException.class,
        () -> world.send(new int[4], 2, 3, Datatype.INT, 1 - rank, 0));
    c.expectThrows("array-type", IllegalArgumentException.class,
        () -> world.send(new long[4], 4, Datatype.INT, 1 - rank, 0));
    c.expectThrows("heap-segment", IllegalArgumentException.class,
        () -> world.send(MemorySegment.ofArray(new int[4]), 4, Datatype.INT, 1 - rank, 0));
    c.equal("error-class-lookup", ErrorClass.ERR_TRUNCATE, MPI.errorClass(ErrorClass.ERR_TRUNCATE.value()));
    c.check("error-string", !MPI.errorString(ErrorClass.ERR_RANK.value()).isBlank(), "blank");

    // truncation: 10 ints into room for 5; then the same pair goes on working
    if (rank == 0) {
      world.send(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10, Datatype.INT, 1, 600);
      world.send(new int[] {42}, 1, Datatype.INT, 1, 601);
    } else {
      int[] small = new int[5];
      MPIException e = c.mpiError("recv-truncate", ErrorClass.ERR_TRUNCATE,
          () -> world.recv(small, 5, Datatype.INT, 0, 600));
      c.check("truncate-message-names-call", e != null && e.getMessage().contains("MPI_Recv"), e);
      int[] after = new int[1];
      c.run("recv-after-truncate", () -> world.recv(after, 1, Datatype.INT, 0, 601));
      c.equal("recv-after-truncate-data", 42, after[0]);
    }
    world.barrier();
    c.run("barrier-after-errors", world::barrier);
  }

  // ---- Info ---------------------------------------------------------------------------

  static void info(Checks c) {
    Info info = Info.create();
    info.set("alpha", "1").set("beta", "two words").set("gamma", "x=y; z");
    c.equal("info-get", Optional.of("two words"), info.get("beta"));
    c.equal("info-get-missing", Optional.empty(), info.get("delta"));
    c.equal("info-entries", Map.of("alpha", "1", "beta", "two words", "gamma", "x=y; z"), info.entries());
    c.equal("info-entries-order", List.of("alpha", "beta", "gamma"), List.copyOf(info.entries().keySet()));
    info.set("alpha", "replaced");
    c.equal("info-overwrite", Optional.of("replaced"), info.get("alpha"));
    info.delete("alpha");
    c.equal("info-delete", List.of("beta", "gamma"), List.copyOf(info.entries().keySet()));
    c.mpiError("info-delete-missing", ErrorClass.ERR_INFO_NOKEY, () -> info.delete("alpha"));
    c.mpiError("info-key-too-long", ErrorClass.ERR_INFO_KEY, () -> info.set("k".repeat(300), "v"));
    String longValue = "v".repeat(200);
    info.set("long", longValue);
    c.equal("info-long-value", Optional.of(longValue), info.get("long"));
    info.close();
    info.close(); // idempotent
    try (Info of = Info.of(new java.util.LinkedHashMap<>(Map.of("wdir", "/tmp")))) {
      c.equal("info-of", Map.of("wdir", "/tmp"), of.entries());
    }
  }
}
