package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * The MPI environment: init/finalize, the predefined communicators, ports, and the constants.
 *
 * <p>The thread level is the caller's choice ({@link #init(ThreadLevel)}); {@link #init()} takes
 * it from {@code JMSWK_THREAD_LEVEL} (default FUNNELED: MPI_THREAD_MULTIPLE makes small messages
 * markedly slower on Open MPI 4.1, so ask for it only where threads really call MPI).
 */
public final class MPI {
  private MPI() {}

  public static final Comm COMM_WORLD = new Comm(Constants.COMM_WORLD);
  public static final Comm COMM_SELF = new Comm(Constants.COMM_SELF);
  public static final int ANY_SOURCE = Constants.ANY_SOURCE;
  public static final int ANY_TAG = Constants.ANY_TAG;
  public static final int PROC_NULL = Constants.PROC_NULL;
  /** MPI_ROOT, for the root side of intercommunicator collectives. */
  public static final int ROOT = Constants.ROOT;
  public static final int UNDEFINED = Constants.UNDEFINED;
  public static final int MAX_PORT_NAME = Constants.MAX_PORT_NAME;

  /** Binding of MPI_Init_thread with the level from JMSWK_THREAD_LEVEL (default FUNNELED). */
  public static ThreadLevel init() {
    return init(requestedLevel());
  }

  /**
   * Binding of MPI_Init_thread. Returns the level provided, which may be lower than asked;
   * afterwards COMM_WORLD and COMM_SELF return errors instead of aborting.
   */
  public static ThreadLevel init(ThreadLevel required) {
    return initThread(required, null);
  }

  /**
   * As {@link #init()} for a worker started by a master, bounded: if MPI_Init has not returned
   * after JMSWK_WORKER_START_TIMEOUT_S (default 60 s, the master's own wait for it), the process
   * ends with status 1, saying why. Open MPI 4.1 can leave a process spawned after earlier
   * children died waiting in PMIx_Init for ever (open-mpi/ompi#9713), and its mpirun would then
   * never end.
   */
  public static ThreadLevel initWorker() {
    return initThread(requestedLevel(), "JMSWK_WORKER_START_TIMEOUT_S");
  }

  private static ThreadLevel requestedLevel() {
    String level = System.getenv("JMSWK_THREAD_LEVEL");
    return level == null || level.isBlank() ? ThreadLevel.FUNNELED : ThreadLevel.parse(level);
  }

  /** MPI_Init_thread, bounded by the seconds in {@code boundVariable} when it is not null. */
  private static ThreadLevel initThread(ThreadLevel required, String boundVariable) {
    if (Constants.ABI_VERSION != 1) {
      throw new IllegalStateException("libjmswk.so has ABI " + Constants.ABI_VERSION + ", this jar needs 1");
    }
    Scratch s = Scratch.get();
    ShutdownBound.NativeCall call = () -> (int) Native.INIT_THREAD.invokeExact(required.value(), s.flag());
    if (boundVariable != null) {
      ShutdownBound.run("MPI_Init_thread", call, boundVariable, 1);
    } else {
      try {
        Calls.check("MPI_Init_thread", call.call());
      } catch (Throwable t) {
        throw Calls.unchecked(t);
      }
    }
    return ThreadLevel.of(s.flagValue());
  }

  /** Binding of MPI_Query_thread. */
  public static ThreadLevel queryThread() {
    Scratch s = Scratch.get();
    try {
      Calls.check("MPI_Query_thread", (int) Native.QUERY_THREAD.invokeExact(s.flag()));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return ThreadLevel.of(s.flagValue());
  }

  /** Binding of MPI_Initialized. */
  public static boolean isInitialized() {
    return flag(true);
  }

  /** Binding of MPI_Finalized. */
  public static boolean isFinalized() {
    return flag(false);
  }

  private static boolean flag(boolean initialized) {
    Scratch s = Scratch.get();
    try {
      int rc = initialized ? (int) Native.INITIALIZED.invokeExact(s.flag())
                           : (int) Native.FINALIZED.invokeExact(s.flag());
      Calls.check(initialized ? "MPI_Initialized" : "MPI_Finalized", rc);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return s.flagValue() != 0;
  }

  /**
   * Binding of MPI_Finalize, bounded: if it has not returned after JMSWK_FINALIZE_TIMEOUT_S
   * (default 60 s; Open MPI 4.1 can wait for ever for a peer lost mid-connect), the process
   * ends with the status set by {@link #statusIfShutdownStuck} (default 1), saying why.
   */
  public static void finish() {
    ShutdownBound.run("MPI_Finalize", () -> (int) Native.FINALIZE.invokeExact());
  }

  /**
   * The status the process ends with if {@link #finish()} or {@link Mswk#stop()} does not
   * return within its bound (default 1); a master whose results are out sets its own.
   */
  public static void statusIfShutdownStuck(int status) {
    ShutdownBound.statusIfStuck = status;
  }

  /** Binding of MPI_Abort. */
  public static void abort(Comm comm, int code) {
    try {
      Calls.check("MPI_Abort", (int) Native.ABORT.invokeExact(Comm.handleOf(comm), code));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Wtime. */
  public static double wtime() {
    try {
      return (double) Native.WTIME.invokeExact();
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Comm_get_parent: the intercommunicator to the spawning job, or MPI_COMM_NULL. */
  public static Comm parent() {
    Scratch s = Scratch.get();
    try {
      Calls.check("MPI_Comm_get_parent", (int) Native.COMM_GET_PARENT.invokeExact(s.handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return new Comm(s.handle.get(ValueLayout.JAVA_LONG, 0));
  }

  /** MPI_UNIVERSE_SIZE of COMM_WORLD (MPI_Comm_get_attr), empty when the launcher set none. */
  public static OptionalInt universeSize() {
    return attribute("MPI_Comm_get_attr(MPI_UNIVERSE_SIZE)", true);
  }

  /** MPI_APPNUM of COMM_WORLD (MPI_Comm_get_attr), empty when not set. */
  public static OptionalInt appnum() {
    return attribute("MPI_Comm_get_attr(MPI_APPNUM)", false);
  }

  private static OptionalInt attribute(String call, boolean universe) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment flag = arena.allocate(ValueLayout.JAVA_INT);
      int rc = universe ? (int) Native.UNIVERSE_SIZE.invokeExact(value, flag)
                        : (int) Native.APPNUM.invokeExact(value, flag);
      Calls.check(call, rc);
      return flag.get(ValueLayout.JAVA_INT, 0) == 0 ? OptionalInt.empty()
          : OptionalInt.of(value.get(ValueLayout.JAVA_INT, 0));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Open_port. */
  public static String openPort(Info info) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment port = arena.allocate(Constants.MAX_PORT_NAME + 1);
      Calls.check("MPI_Open_port", (int) Native.OPEN_PORT.invokeExact(Info.handleOf(info), port));
      return port.getString(0);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Close_port. */
  public static void closePort(String port) {
    try (Arena arena = Arena.ofConfined()) {
      Calls.check("MPI_Close_port", (int) Native.CLOSE_PORT.invokeExact(arena.allocateFrom(port)));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Get_processor_name. */
  public static String processorName() {
    return text(Constants.MAX_PROCESSOR_NAME, true);
  }

  /** Binding of MPI_Get_library_version. */
  public static String libraryVersion() {
    return text(Constants.MAX_LIBRARY_VERSION, false);
  }

  private static String text(int max, boolean processor) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(max + 1);
      MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
      int rc = processor ? (int) Native.PROCESSOR_NAME.invokeExact(buf, len)
                         : (int) Native.LIBRARY_VERSION.invokeExact(buf, len);
      Calls.check(processor ? "MPI_Get_processor_name" : "MPI_Get_library_version", rc);
      byte[] bytes = buf.asSlice(0, len.get(ValueLayout.JAVA_INT, 0)).toArray(ValueLayout.JAVA_BYTE);
      return new String(bytes, StandardCharsets.UTF_8).strip();
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Error_string. */
  public static String errorString(int errorCode) {
    return Calls.errorString(errorCode);
  }

  /** Binding of MPI_Error_class. */
  public static ErrorClass errorClass(int errorCode) {
    return ErrorClass.of(Calls.errorClass(errorCode));
  }
}
