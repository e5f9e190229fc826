package org.jmswk.agent;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;

/**
 * Starts worker processes with posix_spawnp(3) through FFM, and collects their wait status with
 * waitpid(2), so that an exit code and a killing signal are told apart (Java's Process folds
 * both into one number). The child gets an argument vector (no shell), exactly the given
 * environment, its own process group (so a kill reaches the worker's own children too), an
 * empty signal mask and default signal dispositions, the working directory, and stdin/stdout/
 * stderr opened from the given paths.
 */
final class NativeSpawn {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final java.lang.foreign.AddressLayout ADDR = ValueLayout.ADDRESS;

  private static final MethodHandle SPAWNP = fn("posix_spawnp", INT, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR);
  private static final MethodHandle FA_INIT = fn("posix_spawn_file_actions_init", INT, ADDR);
  private static final MethodHandle FA_DESTROY = fn("posix_spawn_file_actions_destroy", INT, ADDR);
  private static final MethodHandle FA_OPEN = fn("posix_spawn_file_actions_addopen", INT, ADDR, INT, ADDR, INT, INT);
  /** posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), or null. */
  private static final MethodHandle FA_CLOSEFROM = LIBC.find("posix_spawn_file_actions_addclosefrom_np")
      .map(s -> LINKER.downcallHandle(s, FunctionDescriptor.of(INT, ADDR, INT))).orElse(null);
  private static final MethodHandle FA_CHDIR = fn("posix_spawn_file_actions_addchdir_np", INT, ADDR, ADDR);
  private static final MethodHandle AT_INIT = fn("posix_spawnattr_init", INT, ADDR);
  private static final MethodHandle AT_DESTROY = fn("posix_spawnattr_destroy", INT, ADDR);
  private static final MethodHandle AT_FLAGS = fn("posix_spawnattr_setflags", INT, ADDR, ValueLayout.JAVA_SHORT);
  private static final MethodHandle AT_SIGMASK = fn("posix_spawnattr_setsigmask", INT, ADDR, ADDR);
  private static final MethodHandle AT_SIGDEFAULT = fn("posix_spawnattr_setsigdefault", INT, ADDR, ADDR);
  private static final MethodHandle AT_PGROUP = fn("posix_spawnattr_setpgroup", INT, ADDR, INT);
  private static final MethodHandle SIGEMPTYSET = fn("sigemptyset", INT, ADDR);
  private static final MethodHandle SIGADDSET = fn("sigaddset", INT, ADDR, INT);
  private static final MethodHandle WAITPID = fn("waitpid", INT, INT, ADDR, INT);
  private static final MethodHandle KILL = fn("kill", INT, INT, INT);
  private static final MethodHandle STRERROR = fn("strerror", ADDR, INT);

  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;
  private static final int O_TRUNC = 01000;
  private static final int O_APPEND = 02000;
  private static final int WNOHANG = 1;
  /** Signals whose disposition the child resets, whatever the JVM set. */
  private static final int[] RESET = {1, 2, 3, 10, 12, 13, 14, 15, 17, 25};

  public static final int SIGTERM = 15;
  public static final int SIGKILL = 9;

  /** Where a standard stream goes: a path and, for output, whether to append. */
  record Redirect(String path, boolean append) {}

  /** A spawn failure: the errno and its text. */
  static final class SpawnException extends IOException {
    final int errno;

    SpawnException(int errno, String message) {
      super(message);
      this.errno = errno;
    }
  }

  private NativeSpawn() {}

  private static MethodHandle fn(String name, ValueLayout ret, ValueLayout... args) {
    MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
    return LINKER.downcallHandle(symbol, FunctionDescriptor.of(ret, args));
  }

  /** Spawns; returns the pid (also the process group id). */
  static int spawn(List<String> argv, Map<String, String> env, String cwd, Redirect stdin, Redirect stdout,
                   Redirect stderr) throws IOException {
    if (argv.isEmpty()) throw new IllegalArgumentException("empty argument vector");
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fa = arena.allocate(256, 16);
      MemorySegment attr = arena.allocate(1024, 16);
      MemorySegment sigset = arena.allocate(256, 16);
      MemorySegment pid = arena.allocate(INT);
      check((int) FA_INIT.invokeExact(fa), "posix_spawn_file_actions_init");
      check((int) AT_INIT.invokeExact(attr), "posix_spawnattr_init");
      try {
        open(arena, fa, 0, stdin.path(), O_RDONLY);
        open(arena, fa, 1, stdout.path(), O_WRONLY | O_CREAT | (stdout.append() ? O_APPEND : O_TRUNC));
        open(arena, fa, 2, stderr.path(), O_WRONLY | O_CREAT | (stderr.append() ? O_APPEND : O_TRUNC));
        // the agent's sockets must not live on in its workers (a killed agent would look alive)
        if (FA_CLOSEFROM != null) check((int) FA_CLOSEFROM.invokeExact(fa, 3), "posix_spawn_file_actions_addclosefrom_np");
        if (cwd != null) check((int) FA_CHDIR.invokeExact(fa, arena.allocateFrom(cwd)), "posix_spawn_file_actions_addchdir_np");
        check((int) AT_FLAGS.invokeExact(attr, (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)),
            "posix_spawnattr_setflags");
        check((int) AT_PGROUP.invokeExact(attr, 0), "posix_spawnattr_setpgroup");
        check((int) SIGEMPTYSET.invokeExact(sigset), "sigemptyset");
        check((int) AT_SIGMASK.invokeExact(attr, sigset), "posix_spawnattr_setsigmask");
        for (int sig : RESET) check((int) SIGADDSET.invokeExact(sigset, sig), "sigaddset");
        check((int) AT_SIGDEFAULT.invokeExact(attr, sigset), "posix_spawnattr_setsigdefault");

        MemorySegment cArgv = arena.allocate(ADDR, argv.size() + 1L);
        for (int i = 0; i < argv.size(); i++) cArgv.setAtIndex(ADDR, i, arena.allocateFrom(argv.get(i)));
        cArgv.setAtIndex(ADDR, argv.size(), MemorySegment.NULL);
        MemorySegment cEnv = arena.allocate(ADDR, env.size() + 1L);
        int i = 0;
        for (var e : env.entrySet()) cEnv.setAtIndex(ADDR, i++, arena.allocateFrom(e.getKey() + "=" + e.getValue()));
        cEnv.setAtIndex(ADDR, i, MemorySegment.NULL);

        int rc = (int) SPAWNP.invokeExact(pid, arena.allocateFrom(argv.get(0)), fa, attr, cArgv, cEnv);
        if (rc != 0) throw new SpawnException(rc, "cannot start " + argv.get(0) + ": " + strerror(rc));
        return pid.get(INT, 0);
      } finally {
        int ignored1 = (int) FA_DESTROY.invokeExact(fa);
        int ignored2 = (int) AT_DESTROY.invokeExact(attr);
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static void open(Arena arena, MemorySegment fa, int fd, String path, int flags) throws Throwable {
    check((int) FA_OPEN.invokeExact(fa, fd, arena.allocateFrom(path), flags, 0644), "posix_spawn_file_actions_addopen");
  }

  private static void check(int rc, String what) throws SpawnException {
    if (rc != 0) throw new SpawnException(rc, what + " failed: " + strerror(rc));
  }

  /** The raw wait status if {@code pid} has ended (and reaps it), else -1. */
  static int poll(int pid) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment status = arena.allocate(INT);
      int rc = (int) WAITPID.invokeExact(pid, status, WNOHANG);
      if (rc == pid) return status.get(INT, 0);
      if (rc == 0) return -1;
      return 0x7f00_0000; // not our child any more (ECHILD): reported as "status unknown"
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Exit code from a wait status, or -1 if the process was killed by a signal. */
  static int exitCode(int status) {
    if (status == 0x7f00_0000) return -1;
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1;
  }

  /** The killing signal from a wait status, or 0. */
  static int signal(int status) {
    if (status == 0x7f00_0000) return 0;
    int sig = status & 0x7f;
    return sig != 0 && sig != 0x7f ? sig : 0;
  }

  /** kill(2) to the whole process group {@code pgid}; false if it no longer exists. */
  static boolean killGroup(int pgid, int signal) {
    try {
      return (int) KILL.invokeExact(-pgid, signal) == 0;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  /** Signal names for reports. */
  static String signalName(int sig) {
    return switch (sig) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 3 -> "SIGQUIT";
      case 4 -> "SIGILL";
      case 6 -> "SIGABRT";
      case 7 -> "SIGBUS";
      case 8 -> "SIGFPE";
      case 9 -> "SIGKILL";
      case 10 -> "SIGUSR1";
      case 11 -> "SIGSEGV";
      case 12 -> "SIGUSR2";
      case 13 -> "SIGPIPE";
      case 14 -> "SIGALRM";
      case 15 -> "SIGTERM";
      default -> "signal " + sig;
    };
  }
}
