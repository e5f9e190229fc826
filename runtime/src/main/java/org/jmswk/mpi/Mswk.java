package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * Bindings of the failure-isolating master-worker calls (the vendor's FJMPI_Mswk_*; C in
 * native/src/mswk.c). Same parameters as MPI_Comm_connect / accept / disconnect, but if the
 * peer process is dead, or dies during the call, the call throws {@link PeerFailedException}
 * within a bounded time instead of hanging or aborting. Send and receive on a Mswk
 * intercommunicator fail the same way instead of blocking.
 *
 * <p>Liveness is checked outside MPI: every process keeps a TCP heartbeat with the peers it
 * talks to ({@code JMSWK_MSWK_TIMEOUT_MS}, default 2000, bounds silence; a killed process is
 * seen at once). Both sides of an exchange must use these calls. Call {@link #start()} after
 * {@link MPI#init} and {@link #stop()} before {@link MPI#finish}. On Open MPI 4.1 the job must
 * run with {@code mpirun --enable-recovery} so that a dead worker does not end it (jmswk sub
 * sets this).
 *
 * <p>Between processes of two different MPI jobs (a worker started by an mpiexec of its own),
 * each alone in the call, the exchange makes no MPI call at all: its messages go over a TCP
 * link and the returned communicator is a local stand-in that only {@link #send}, {@link #recv}
 * and {@link #disconnect} may use (predefined datatypes; {@code JMSWK_MSWK_LINK=0} turns this
 * off). Open MPI 4.1 cannot bound a cross-job connect/accept/disconnect whose peer dies inside it.
 */
public final class Mswk {
  private Mswk() {}

  /** Starts the liveness service (jmswk_mswk_init); a spawned worker also starts watching its master. */
  public static void start() {
    try {
      Calls.check("FJMPI_Mswk_init", (int) Native.MSWK_INIT.invokeExact());
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Stops the liveness service; bounded like {@link MPI#finish()} (it unpublishes its name through MPI). */
  public static void stop() {
    ShutdownBound.run("FJMPI_Mswk_finalize", () -> (int) Native.MSWK_SHUTDOWN.invokeExact());
  }

  /** Binding of FJMPI_Mswk_connect. */
  public static Comm connect(String port, Info info, int root, Comm comm) {
    return connectOrAccept("FJMPI_Mswk_connect", port, info, root, comm, false);
  }

  /**
   * Binding of FJMPI_Mswk_accept. The peer expected on {@code port} is the last one that used
   * it, or the one named by the Info key {@code jmswk_peer}, or the only newly spawned child
   * that has not contacted this process yet. With nobody known to expect, the call waits at most
   * the Info value {@code jmswk_timeout_ms} (else JMSWK_MSWK_UNKNOWN_TIMEOUT_MS) and then throws
   * {@link MswkTimeoutException}.
   */
  public static Comm accept(String port, Info info, int root, Comm comm) {
    return connectOrAccept("FJMPI_Mswk_accept", port, info, root, comm, true);
  }

  private static Comm connectOrAccept(String call, String port, Info info, int root, Comm comm, boolean accept) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment portName = arena.allocateFrom(port);
      MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
      long infoHandle = Info.handleOf(info);
      int rc = accept
          ? (int) Native.MSWK_ACCEPT.invokeExact(portName, infoHandle, root, Comm.handleOf(comm), out)
          : (int) Native.MSWK_CONNECT.invokeExact(portName, infoHandle, root, Comm.handleOf(comm), out);
      check(call + "(" + port + ")", rc, port);
      return new Comm(out.get(ValueLayout.JAVA_LONG, 0)).withPeer(port);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of FJMPI_Mswk_disconnect: a dead peer's communicator is freed, not waited for. */
  public static void disconnect(Comm intercomm) {
    String peer = intercomm.peerName();
    Scratch s = Scratch.get();
    s.handle.set(ValueLayout.JAVA_LONG, 0, Comm.handleOf(intercomm));
    int rc;
    try {
      rc = (int) Native.MSWK_DISCONNECT.invokeExact(s.handle);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    intercomm.released(s.handle.get(ValueLayout.JAVA_LONG, 0));
    check("FJMPI_Mswk_disconnect", rc, peer);
  }

  /** Binding of FJMPI_Mswk_send from a Java array. */
  public static void send(Comm comm, Object buf, int count, Datatype type, int dest, int tag) {
    type.checkArray(buf, 0, count);
    MemorySegment native_ = Scratch.get().buffer((long) count * type.size());
    type.copyIn(buf, 0, native_, count);
    sendNative(comm, native_, count, type, dest, tag);
  }

  /** Binding of FJMPI_Mswk_send from native memory. */
  public static void send(Comm comm, MemorySegment buf, int count, Datatype type, int dest, int tag) {
    type.checkSegment(buf, count);
    sendNative(comm, buf, count, type, dest, tag);
  }

  private static void sendNative(Comm comm, MemorySegment buf, int count, Datatype type, int dest, int tag) {
    int rc;
    try {
      rc = (int) Native.MSWK_SEND.invokeExact(buf, count, type.handle(), dest, tag, Comm.handleOf(comm));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    check("FJMPI_Mswk_send(dest " + dest + ", tag " + tag + ")", rc, comm.peerName());
  }

  /** Binding of FJMPI_Mswk_recv into a Java array. */
  public static Status recv(Comm comm, Object buf, int count, Datatype type, int source, int tag) {
    type.checkArray(buf, 0, count);
    MemorySegment native_ = Scratch.get().buffer((long) count * type.size());
    Status status = recvNative(comm, native_, count, type, source, tag);
    type.copyOut(native_, buf, 0, Math.min(status.count(), count));
    return status;
  }

  /** Binding of FJMPI_Mswk_recv into native memory. */
  public static Status recv(Comm comm, MemorySegment buf, int count, Datatype type, int source, int tag) {
    type.checkSegment(buf, count);
    return recvNative(comm, buf, count, type, source, tag);
  }

  private static Status recvNative(Comm comm, MemorySegment buf, int count, Datatype type, int source, int tag) {
    MemorySegment status = Scratch.get().status();
    int rc;
    try {
      rc = (int) Native.MSWK_RECV.invokeExact(buf, count, type.handle(), source, tag, Comm.handleOf(comm), status);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    check("FJMPI_Mswk_recv(source " + source + ", tag " + tag + ")", rc, comm.peerName());
    return Status.read(status);
  }

  /** The liveness view of a peer, by port name or process key: alive, dead, or never seen. */
  public enum PeerState { ALIVE, DEAD, UNKNOWN }

  /** Binding of FJMPI_Mswk_peer_state; makes no MPI call. */
  public static PeerState peerState(String portOrKey) {
    try (Arena arena = Arena.ofConfined()) {
      int state = (int) Native.MSWK_PEER_STATE.invokeExact(arena.allocateFrom(portOrKey));
      return state == 1 ? PeerState.ALIVE : state == 0 ? PeerState.DEAD : PeerState.UNKNOWN;
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /**
   * Binding of FJMPI_Mswk_peer_unreachable: true when the peer was declared dead because its host
   * stopped answering (heartbeat silence or connect timeout: a lost node or a cut network), false
   * when it is alive, unknown, or its process ended on a host that still answers. Makes no MPI call.
   */
  public static boolean peerUnreachable(String portOrKey) {
    try (Arena arena = Arena.ofConfined()) {
      return (int) Native.MSWK_PEER_UNREACHABLE.invokeExact(arena.allocateFrom(portOrKey)) == 1;
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of FJMPI_Mswk_next_failed: the next peer seen dying since the last call; never blocks. */
  public static Optional<String> nextFailed() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(512);
      int found = (int) Native.MSWK_NEXT_FAILED.invokeExact(buf, 512);
      return found == 1 ? Optional.of(buf.getString(0)) : Optional.empty();
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of FJMPI_Mswk_self_key: this process's key ("jobid.vpid" on Open MPI). */
  public static String selfKey() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(512);
      Calls.check("FJMPI_Mswk_self_key", (int) Native.MSWK_SELF_KEY.invokeExact(buf, 512));
      return buf.getString(0);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /**
   * Throws for a failed call: {@link PeerFailedException} for the peer-dead error (also from
   * MPI_Send/MPI_Recv/MPI_Probe on a Mswk or spawn stand-in communicator), {@link
   * MswkTimeoutException} for the timeout error, else {@link MPIException}.
   */
  static void check(String call, int rc, String peer) {
    if (rc == 0) return;
    int cls = Calls.errorClass(rc);
    String text = Calls.errorString(rc);
    try {
      if (cls == (int) Native.MSWK_ERR_PEER_DEAD.invokeExact() || rc == (int) Native.MSWK_ERR_PEER_DEAD.invokeExact()) {
        throw new PeerFailedException(call, peer, rc, cls, text);
      }
      if (cls == (int) Native.MSWK_ERR_TIMEOUT.invokeExact() || rc == (int) Native.MSWK_ERR_TIMEOUT.invokeExact()) {
        throw new MswkTimeoutException(call, rc, cls, text);
      }
    } catch (MPIException e) {
      throw e;
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    throw new MPIException(call, rc, cls, text);
  }
}
