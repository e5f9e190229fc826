package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Binding of MPI_Comm, intra- or intercommunicator. Every communicator the binding creates
 * returns errors (MPI_ERRORS_RETURN): a failed call throws {@link MPIException} and never
 * aborts the process. A {@code null} Comm passed to any call means MPI_COMM_NULL.
 *
 * <p>Buffers are either Java primitive arrays, copied through per-thread native memory, or
 * native {@link MemorySegment}s, passed to MPI as they are (zero copy).
 */
public final class Comm {
  private long handle;
  /** For an intercommunicator made by a Mswk call: the port it was made on, naming the peer. */
  private String peer;

  Comm(long handle) {
    this.handle = handle;
  }

  long handle() {
    return handle;
  }

  static long handleOf(Comm comm) {
    return comm == null ? Constants.COMM_NULL : comm.handle;
  }

  /** True for MPI_COMM_NULL (for example after {@link #free()}). */
  public boolean isNull() {
    return handle == Constants.COMM_NULL;
  }

  // ---- queries ------------------------------------------------------------

  /** Binding of MPI_Comm_rank. */
  public int rank() {
    return intQuery("MPI_Comm_rank", 0);
  }

  /** Binding of MPI_Comm_size. */
  public int size() {
    return intQuery("MPI_Comm_size", 1);
  }

  /** Binding of MPI_Comm_remote_size. */
  public int remoteSize() {
    return intQuery("MPI_Comm_remote_size", 2);
  }

  /** Binding of MPI_Comm_test_inter. */
  public boolean isInter() {
    return intQuery("MPI_Comm_test_inter", 3) != 0;
  }

  private int intQuery(String call, int which) {
    Scratch s = Scratch.get();
    MemorySegment out = s.flag();
    try {
      int rc = switch (which) {
        case 0 -> (int) Native.COMM_RANK.invokeExact(handle, out);
        case 1 -> (int) Native.COMM_SIZE.invokeExact(handle, out);
        case 2 -> (int) Native.COMM_REMOTE_SIZE.invokeExact(handle, out);
        default -> (int) Native.COMM_TEST_INTER.invokeExact(handle, out);
      };
      Calls.check(call, rc);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return s.flagValue();
  }

  // ---- point to point -----------------------------------------------------

  /** Binding of MPI_Send from a Java array, elements [0, count). */
  public void send(Object buf, int count, Datatype type, int dest, int tag) {
    send(buf, 0, count, type, dest, tag);
  }

  /** Binding of MPI_Send from a Java array, elements [offset, offset + count). */
  public void send(Object buf, int offset, int count, Datatype type, int dest, int tag) {
    type.checkArray(buf, offset, count);
    MemorySegment native_ = Scratch.get().buffer((long) count * type.size());
    type.copyIn(buf, offset, native_, count);
    sendNative(native_, count, type, dest, tag);
  }

  /** Binding of MPI_Send from native memory, without a copy. */
  public void send(MemorySegment buf, int count, Datatype type, int dest, int tag) {
    type.checkSegment(buf, count);
    sendNative(buf, count, type, dest, tag);
  }

  private void sendNative(MemorySegment buf, int count, Datatype type, int dest, int tag) {
    int rc;
    try {
      rc = (int) Native.SEND.invokeExact(buf, count, type.kind, dest, tag, handle);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    Mswk.check("MPI_Send(dest " + dest + ", tag " + tag + ")", rc, peerName());
  }

  /** Binding of MPI_Recv into a Java array, elements [0, count). */
  public Status recv(Object buf, int count, Datatype type, int source, int tag) {
    return recv(buf, 0, count, type, source, tag);
  }

  /** Binding of MPI_Recv into a Java array, elements [offset, offset + count). */
  public Status recv(Object buf, int offset, int count, Datatype type, int source, int tag) {
    type.checkArray(buf, offset, count);
    MemorySegment native_ = Scratch.get().buffer((long) count * type.size());
    Status status = recvNative(native_, count, type, source, tag);
    type.copyOut(native_, buf, offset, status.count());
    return status;
  }

  /** Binding of MPI_Recv into native memory, without a copy. */
  public Status recv(MemorySegment buf, int count, Datatype type, int source, int tag) {
    type.checkSegment(buf, count);
    return recvNative(buf, count, type, source, tag);
  }

  private Status recvNative(MemorySegment buf, int count, Datatype type, int source, int tag) {
    MemorySegment status = Scratch.get().status();
    int rc;
    try {
      rc = (int) Native.RECV.invokeExact(buf, count, type.kind, source, tag, handle, status);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    Mswk.check("MPI_Recv(source " + source + ", tag " + tag + ")", rc, peerName());
    return Status.read(status);
  }

  /** Binding of MPI_Probe; the status counts elements of {@code type}. */
  public Status probe(int source, int tag, Datatype type) {
    MemorySegment status = Scratch.get().status();
    try {
      Mswk.check("MPI_Probe", (int) Native.PROBE.invokeExact(source, tag, handle, type.kind, status), peerName());
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return Status.read(status);
  }

  /** Binding of MPI_Probe, counting bytes. */
  public Status probe(int source, int tag) {
    return probe(source, tag, Datatype.BYTE);
  }

  /** Binding of MPI_Iprobe: the status of a matching message, or {@code null} if none is there. */
  public Status iprobe(int source, int tag, Datatype type) {
    Scratch s = Scratch.get();
    try {
      Mswk.check("MPI_Iprobe", (int) Native.IPROBE.invokeExact(source, tag, handle, type.kind, s.flag(), s.status()),
          peerName());
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return s.flagValue() == 0 ? null : Status.read(s.status());
  }

  /** Binding of MPI_Iprobe, counting bytes. */
  public Status iprobe(int source, int tag) {
    return iprobe(source, tag, Datatype.BYTE);
  }

  /** Binding of MPI_Isend from native memory; the segment must stay alive until completion. */
  public Request isend(MemorySegment buf, int count, Datatype type, int dest, int tag) {
    type.checkSegment(buf, count);
    Request request = new Request(type, null);
    startIsend(request, buf, count, type, dest, tag);
    return request;
  }

  /** Binding of MPI_Isend from a Java array: the data is copied when the call is made. */
  public Request isend(Object buf, int offset, int count, Datatype type, int dest, int tag) {
    type.checkArray(buf, offset, count);
    Request request = new Request(type, null);
    MemorySegment copy = request.allocate((long) count * type.size());
    type.copyIn(buf, offset, copy, count);
    startIsend(request, copy, count, type, dest, tag);
    return request;
  }

  private void startIsend(Request request, MemorySegment buf, int count, Datatype type, int dest, int tag) {
    try {
      Calls.check("MPI_Isend", (int) Native.ISEND.invokeExact(buf, count, type.kind, dest, tag, handle,
          request.handleSlot()));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Irecv into native memory; the segment must stay alive until completion. */
  public Request irecv(MemorySegment buf, int count, Datatype type, int source, int tag) {
    type.checkSegment(buf, count);
    Request request = new Request(type, null);
    startIrecv(request, buf, count, type, source, tag);
    return request;
  }

  /** Binding of MPI_Irecv into a Java array: the data lands in the array when the request completes. */
  public Request irecv(Object buf, int offset, int count, Datatype type, int source, int tag) {
    type.checkArray(buf, offset, count);
    MemorySegment[] landing = new MemorySegment[1];
    // copy only what arrived (the status count), as the blocking recv does
    Request request = new Request(type,
        st -> type.copyOut(landing[0], buf, offset, Math.max(0, Math.min(count, st.count()))));
    landing[0] = request.allocate((long) count * type.size());
    startIrecv(request, landing[0], count, type, source, tag);
    return request;
  }

  private void startIrecv(Request request, MemorySegment buf, int count, Datatype type, int source, int tag) {
    try {
      Calls.check("MPI_Irecv", (int) Native.IRECV.invokeExact(buf, count, type.kind, source, tag, handle,
          request.handleSlot()));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  // ---- collectives ----------------------------------------------------------

  /** Binding of MPI_Barrier. */
  public void barrier() {
    try {
      Calls.check("MPI_Barrier", (int) Native.BARRIER.invokeExact(handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Bcast of a Java array. */
  public void bcast(Object buf, int count, Datatype type, int root) {
    type.checkArray(buf, 0, count);
    MemorySegment native_ = Scratch.get().buffer((long) count * type.size());
    type.copyIn(buf, 0, native_, count);
    bcastNative(native_, count, type, root);
    type.copyOut(native_, buf, 0, count);
  }

  /** Binding of MPI_Bcast of native memory. */
  public void bcast(MemorySegment buf, int count, Datatype type, int root) {
    type.checkSegment(buf, count);
    bcastNative(buf, count, type, root);
  }

  private void bcastNative(MemorySegment buf, int count, Datatype type, int root) {
    try {
      Calls.check("MPI_Bcast", (int) Native.BCAST.invokeExact(buf, count, type.kind, root, handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  // ---- lifetime ---------------------------------------------------------------

  /** Binding of MPI_Comm_dup. */
  public Comm dup() {
    Scratch s = Scratch.get();
    try {
      Calls.check("MPI_Comm_dup", (int) Native.COMM_DUP.invokeExact(handle, s.handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return new Comm(s.handle.get(ValueLayout.JAVA_LONG, 0));
  }

  /** Binding of MPI_Comm_free; the communicator becomes MPI_COMM_NULL. */
  public void free() {
    release("MPI_Comm_free", false);
  }

  /** Binding of MPI_Comm_disconnect: waits for pending traffic, then frees. */
  public void disconnect() {
    release("MPI_Comm_disconnect", true);
  }

  Comm withPeer(String port) {
    this.peer = port;
    return this;
  }

  /** The peer's port for a Mswk intercommunicator, else this communicator's name. */
  String peerName() {
    return peer != null ? peer : toString();
  }

  /** Records the handle a releasing call left (MPI_COMM_NULL once released). */
  void released(long newHandle) {
    handle = newHandle;
  }

  private void release(String call, boolean disconnect) {
    if (isNull() || handle == Constants.COMM_WORLD || handle == Constants.COMM_SELF) {
      throw new IllegalStateException(call + " on " + this + " is not allowed");
    }
    Scratch s = Scratch.get();
    s.handle.set(ValueLayout.JAVA_LONG, 0, handle);
    int rc;
    try {
      rc = disconnect ? (int) Native.COMM_DISCONNECT.invokeExact(s.handle)
                      : (int) Native.COMM_FREE.invokeExact(s.handle);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    Calls.check(call, rc);
    handle = s.handle.get(ValueLayout.JAVA_LONG, 0);
  }

  // ---- dynamic processes ----------------------------------------------------------

  /** Binding of MPI_Comm_accept: collective over this communicator; returns the intercommunicator. */
  public Comm accept(String port, Info info, int root) {
    return connectOrAccept("MPI_Comm_accept", port, info, root, true);
  }

  /** Binding of MPI_Comm_connect: collective over this communicator; returns the intercommunicator. */
  public Comm connect(String port, Info info, int root) {
    return connectOrAccept("MPI_Comm_connect", port, info, root, false);
  }

  private Comm connectOrAccept(String call, String port, Info info, int root, boolean accept) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment portName = arena.allocateFrom(port == null ? "" : port);
      MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
      long infoHandle = Info.handleOf(info);
      int rc = accept
          ? (int) Native.COMM_ACCEPT.invokeExact(portName, infoHandle, root, handle, out)
          : (int) Native.COMM_CONNECT.invokeExact(portName, infoHandle, root, handle, out);
      Calls.check(call + "(" + port + ")", rc);
      return new Comm(out.get(ValueLayout.JAVA_LONG, 0));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /**
   * Binding of MPI_Comm_spawn: starts {@code maxprocs} copies of {@code command} with
   * {@code argv} ({@code null} for MPI_ARGV_NULL). Collective over this communicator.
   * Throws if the call fails as a whole; per-process failures are in the result's error codes.
   */
  public SpawnResult spawn(String command, String[] argv, int maxprocs, Info info, int root) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errcodes = arena.allocate(ValueLayout.JAVA_INT, Math.max(maxprocs, 1));
      MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
      int rc = (int) Native.COMM_SPAWN.invokeExact(arena.allocateFrom(command), argvSegment(arena, argv),
          maxprocs, Info.handleOf(info), root, handle, out, errcodes);
      Calls.check(spawnCall("MPI_Comm_spawn(" + command + ")", rc), rc);
      return new SpawnResult(new Comm(out.get(ValueLayout.JAVA_LONG, 0)),
          errcodes.asSlice(0, (long) Math.max(maxprocs, 0) * Integer.BYTES).toArray(ValueLayout.JAVA_INT));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /**
   * Binding of MPI_Comm_spawn_multiple: one entry per command in each array; {@code argvs} or
   * any of its entries may be {@code null}, as may any Info.
   */
  public SpawnResult spawnMultiple(String[] commands, String[][] argvs, int[] maxprocs, Info[] infos, int root) {
    int n = commands.length;
    if (maxprocs.length != n || (argvs != null && argvs.length != n) || (infos != null && infos.length != n)) {
      throw new IllegalArgumentException("spawnMultiple: commands, argvs, maxprocs and infos differ in length");
    }
    int total = 0;
    for (int m : maxprocs) total += m;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cmds = arena.allocate(ValueLayout.ADDRESS, n);
      MemorySegment argvArray = argvs == null ? MemorySegment.NULL : arena.allocate(ValueLayout.ADDRESS, n);
      MemorySegment infoHandles = arena.allocate(ValueLayout.JAVA_LONG, Math.max(n, 1));
      for (int i = 0; i < n; i++) {
        cmds.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(commands[i]));
        if (argvs != null) argvArray.setAtIndex(ValueLayout.ADDRESS, i, argvSegment(arena, argvs[i]));
        infoHandles.setAtIndex(ValueLayout.JAVA_LONG, i, Info.handleOf(infos == null ? null : infos[i]));
      }
      MemorySegment errcodes = arena.allocate(ValueLayout.JAVA_INT, Math.max(total, 1));
      MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
      int rc = (int) Native.COMM_SPAWN_MULTIPLE.invokeExact(n, cmds, argvArray,
          arena.allocateFrom(ValueLayout.JAVA_INT, maxprocs), infoHandles, root, handle, out, errcodes);
      Calls.check(spawnCall("MPI_Comm_spawn_multiple", rc), rc);
      return new SpawnResult(new Comm(out.get(ValueLayout.JAVA_LONG, 0)),
          errcodes.asSlice(0, (long) total * Integer.BYTES).toArray(ValueLayout.JAVA_INT));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /**
   * The call's name for an error, with the reason when a multi-node --mswk job's domain-split
   * spawn refused it (more than one process in one call, no usable node left).
   */
  private static String spawnCall(String call, int rc) {
    if (rc == 0) return call;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment why = arena.allocate(1024);
      int ignored = (int) Native.SPAWN_REFUSAL.invokeExact(why, 1024);
      String reason = why.getString(0);
      return reason.isEmpty() ? call : call + " [jmswk: " + reason + "]";
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** A NULL-terminated char*[] for argv, or NULL for MPI_ARGV_NULL. */
  private static MemorySegment argvSegment(Arena arena, String[] argv) {
    if (argv == null) return MemorySegment.NULL;
    MemorySegment array = arena.allocate(ValueLayout.ADDRESS, argv.length + 1L);
    for (int i = 0; i < argv.length; i++) array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(argv[i]));
    array.setAtIndex(ValueLayout.ADDRESS, argv.length, MemorySegment.NULL);
    return array;
  }

  @Override
  public String toString() {
    if (handle == Constants.COMM_WORLD) return "MPI_COMM_WORLD";
    if (handle == Constants.COMM_SELF) return "MPI_COMM_SELF";
    if (handle == Constants.COMM_NULL) return "MPI_COMM_NULL";
    return "Comm[0x" + Long.toHexString(handle) + "]";
  }
}
