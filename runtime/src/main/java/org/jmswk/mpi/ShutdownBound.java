package org.jmswk.mpi;

/**
 * The bound on the calls that end a process's MPI life (MPI_Finalize, FJMPI_Mswk_finalize).
 * Open MPI 4.1 can wait in them for ever when a peer was lost in the middle of a connect or a
 * spawn (seen: all work done, MPI_Finalize never returned). The process then ends after
 * JMSWK_FINALIZE_TIMEOUT_S (default 60) with the status its program chose for that case
 * ({@link MPI#statusIfShutdownStuck}, default 1), saying so, instead of hanging until the job's time
 * limit.
 */
final class ShutdownBound {
  static final String VARIABLE = "JMSWK_FINALIZE_TIMEOUT_S";
  static final long DEFAULT_S = 60;
  static volatile int statusIfStuck = 1;

  private ShutdownBound() {}

  /** A downcall returning an MPI error code. */
  @FunctionalInterface
  interface NativeCall {
    int call() throws Throwable;
  }

  /** Seconds from {@code value} of JMSWK_FINALIZE_TIMEOUT_S (whole, 1..86400), or the default with a warning naming the bad value. */
  static long seconds(String value) {
    return seconds(VARIABLE, value);
  }

  /** Seconds from {@code value} of {@code variable} (whole, 1..86400, default 60), or the default with a warning naming both. */
  static long seconds(String variable, String value) {
    if (value == null || value.isBlank()) return DEFAULT_S;
    try {
      long s = Long.parseLong(value.strip());
      if (s >= 1 && s <= 86_400) return s;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    System.err.println("jmswk: " + variable + " must be whole seconds from 1 to 86400, not '" + value + "'; using " + DEFAULT_S);
    return DEFAULT_S;
  }

  /** Runs {@code call} (returning an MPI error code) and checks it; ends the process if it does not return in time. */
  static void run(String what, NativeCall call) {
    run(what, call, VARIABLE, statusIfStuck);
  }

  /** As {@link #run(String, NativeCall)}, bounded by the seconds in {@code variable}, ending with {@code status}. */
  static void run(String what, NativeCall call, String variable, int status) {
    long bound = seconds(variable, System.getenv(variable));
    Thread watchdog = Thread.ofPlatform().daemon().name("jmswk-shutdown-bound").start(() -> {
      try {
        Thread.sleep(bound * 1000);
      } catch (InterruptedException returned) {
        return;
      }
      System.err.println("jmswk: " + what + " did not return within " + bound + " s (" + variable
          + "): Open MPI is waiting for a peer that is lost or never answers; ending the process with status " + status);
      System.err.flush();
      System.out.flush();
      Runtime.getRuntime().halt(status);
    });
    int rc;
    try {
      rc = call.call();
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    } finally {
      watchdog.interrupt();
    }
    Calls.check(what, rc);
  }
}
