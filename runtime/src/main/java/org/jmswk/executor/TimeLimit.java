package org.jmswk.executor;

import java.util.Map;

/**
 * The job's time limit as the master sees it. {@code jmswk sub} puts the moment it will end the
 * job into the environment ({@value #AT}, epoch milliseconds, under Slurm never after the
 * allocation's own end) with the lead time of its warning ({@value #LEAD}, seconds); the master
 * is warned by its own clock at {@link #warnAt()}, or earlier by a signal ({@value #SIGNAL},
 * e.g. USR1, sent to the job's mpiexec, which Open MPI 4.1 forwards to every process it started).
 * A deadline in the environment reaches the master through any number of mpiexec wrappers and
 * nodes; a signal only when every process on the way passes it on and handles it.
 *
 * <p>An executor hands a task to a worker only if the worker's measured time per task says it
 * ends before {@link #stopAt()} (halfway through the lead: the other half is for the journal, the
 * workers and MPI to shut down); at {@link #stopAt()} whatever did not end fails with a
 * {@link TimeLimitException}.
 *
 * @param atMillis   epoch milliseconds at which the job is ended
 * @param leadMillis how long before that the master is warned
 * @param signal     the warning's signal name (USR1, ...), or null for none
 */
public record TimeLimit(long atMillis, long leadMillis, String signal) {
  public static final String AT = "JMSWK_TIME_LIMIT_AT";
  public static final String LEAD = "JMSWK_TIME_LIMIT_LEAD_S";
  public static final String SIGNAL = "JMSWK_TIME_LIMIT_SIGNAL";

  /** The file an executor leaves in the job directory when it stopped at the time limit with tasks undone. */
  public static final String RECORD = "time-limit.properties";

  public TimeLimit {
    if (leadMillis < 0) throw new IllegalArgumentException("the lead time must be >= 0");
  }

  /** The limit in {@code env}, or null when the job has none. A malformed value is an error naming the variable. */
  public static TimeLimit fromEnv(Map<String, String> env) {
    String at = env.get(AT);
    if (at == null || at.isBlank()) return null;
    long atMillis = parse(AT, at);
    String lead = env.get(LEAD);
    long leadMillis = lead == null || lead.isBlank() ? 0 : parse(LEAD, lead) * 1000;
    String signal = env.get(SIGNAL);
    return new TimeLimit(atMillis, leadMillis, signal == null || signal.isBlank() ? null : signalName(signal));
  }

  private static long parse(String name, String value) {
    try {
      long n = Long.parseLong(value.strip());
      if (n >= 0) return n;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number >= 0, not '" + value + "'");
  }

  /** "USR1", "SIGUSR1" or "usr1" as the JVM names it ("USR1"). */
  public static String signalName(String s) {
    String n = s.strip().toUpperCase(java.util.Locale.ROOT);
    return n.startsWith("SIG") ? n.substring(3) : n;
  }

  public long warnAt() {
    return atMillis - leadMillis;
  }

  public long stopAt() {
    return atMillis - leadMillis / 2;
  }

  /** The limit as it stands after a warning signal at {@code nowMillis}: never later than now plus the lead. */
  public TimeLimit warnedAt(long nowMillis) {
    return nowMillis + leadMillis >= atMillis ? this : new TimeLimit(nowMillis + leadMillis, leadMillis, signal);
  }

  /**
   * How many more tasks a worker may take at {@code nowMillis} so that all of them end by
   * {@link #stopAt()}, given it holds {@code inFlight} and takes {@code nanosPerTask} each
   * (unknown when <= 0: no bound, the first answers measure it).
   */
  public long room(long nowMillis, int inFlight, double nanosPerTask) {
    if (nanosPerTask <= 0) return Long.MAX_VALUE;
    double fits = (stopAt() - nowMillis) * 1e6 / nanosPerTask;
    return Math.max(0, (long) Math.floor(fits) - inFlight);
  }

  /**
   * Lets {@code signal} (the warning) reach this process without ending it: a JVM ends on SIGUSR1
   * unless it handles it, and Open MPI forwards the signal to spawned workers too. Returns false
   * when the JVM refuses the signal (in use by the VM).
   */
  static boolean onSignal(String signal, Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> action.run());
      return true;
    } catch (IllegalArgumentException inUse) {
      System.err.println("jmswk: cannot handle SIG" + signal + " (" + inUse.getMessage() + "); the time limit is kept by"
          + " the clock only");
      return false;
    }
  }

  /**
   * Writes {@code jobDir}/{@value #RECORD} (done, total, resumable, stopped_at), replacing it
   * atomically; jmswk sub makes the job's end reason of it. A failure is reported on stderr only:
   * the job still ends, with the reason its exit status gives.
   */
  static void writeRecord(java.nio.file.Path jobDir, long done, long total, boolean resumable) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("done", Long.toString(done));
    p.setProperty("total", Long.toString(total));
    p.setProperty("resumable", Boolean.toString(resumable));
    p.setProperty("stopped_at", java.time.Instant.now().toString());
    java.nio.file.Path file = jobDir.resolve(RECORD);
    java.nio.file.Path tmp = jobDir.resolve(RECORD + ".tmp");
    try {
      try (var w = java.nio.file.Files.newBufferedWriter(tmp)) {
        p.store(w, "jmswk executor: stopped at the job's time limit");
      }
      java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      System.err.println("jmswk executor: cannot write " + file + ": " + e.getMessage());
    }
  }
}
