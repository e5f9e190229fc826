package org.jmswk.executor;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link FarmExecutor}'s task counts, published as a small snapshot file that {@code jmswk
 * sub} (which owns the user's terminal; the master runs under mpiexec, whose output is not one)
 * turns into a progress bar or log lines. The file is {@code $JMSWK_JOB_DIR/progress}
 * (JMSWK_PROGRESS_FILE to put it elsewhere), Java properties, replaced atomically every
 * JMSWK_PROGRESS_INTERVAL_MS (default 500; 0: never) and once when the executor closes.
 */
final class JobProgress {
  static final String FILE_NAME = "progress";

  private final LongAdder submitted = new LongAdder();
  private final LongAdder done = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final LongAdder recalled = new LongAdder();
  private final long started = System.currentTimeMillis();
  private final Path file;
  private final long intervalMillis;

  JobProgress(Path file, long intervalMillis) {
    this.file = file;
    this.intervalMillis = intervalMillis;
  }

  /** Where the environment asks for the snapshot, or none (outside a job). */
  static JobProgress fromEnv() {
    String explicit = System.getenv("JMSWK_PROGRESS_FILE");
    String dir = System.getenv("JMSWK_JOB_DIR");
    Path file = explicit != null && !explicit.isBlank() ? Path.of(explicit.strip())
        : dir != null && !dir.isBlank() ? Path.of(dir.strip(), FILE_NAME) : null;
    String every = System.getenv("JMSWK_PROGRESS_INTERVAL_MS");
    long interval = 500;
    if (every != null && !every.isBlank()) {
      try {
        interval = Long.parseLong(every.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("JMSWK_PROGRESS_INTERVAL_MS must be a whole number of milliseconds, not '"
            + every + "'");
      }
    }
    return new JobProgress(interval > 0 ? file : null, interval);
  }

  private java.util.concurrent.ScheduledExecutorService publisher;

  /**
   * Calls {@code publish} every interval on a thread of its own (a slow shared file system must
   * not hold up the liveness checks); nothing when no snapshot is wanted.
   */
  synchronized void startPublishing(Runnable publish) {
    if (file == null || publisher != null) return;
    publisher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jmswk-executor-progress");
      t.setDaemon(true);
      return t;
    });
    publisher.scheduleAtFixedRate(publish, 0, intervalMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  synchronized void stopPublishing() {
    if (publisher != null) publisher.shutdownNow();
  }

  /** Null when no snapshot is published. */
  Path file() {
    return file;
  }

  void submitted(long n) {
    submitted.add(n);
  }

  /** A task submitted again whose outcome came from the journal: submitted and done at once. */
  void recalled() {
    submitted.increment();
    recalled.increment();
  }

  void delivered(int elements, RuntimeException[] failures) {
    int f = 0;
    if (failures != null) for (RuntimeException x : failures) if (x != null) f++;
    done.add(elements - f);
    failed.add(f);
  }

  void failed(long elements) {
    failed.add(elements);
  }

  void retried() {
    retried.increment();
  }

  /** The snapshot as written: counts of elements, and the pool's state now. */
  String snapshot(long running, int workers, int nodesLost, boolean ended) {
    long r = recalled.sum();
    return "time_ms=" + System.currentTimeMillis() + "\nstarted_ms=" + started + "\nsubmitted=" + submitted.sum()
        + "\ndone=" + (done.sum() + r) + "\nrecalled=" + r + "\nfailed=" + failed.sum() + "\nretried=" + retried.sum()
        + "\nrunning=" + running + "\nworkers=" + workers + "\nnodes_lost=" + nodesLost + "\nended=" + ended + "\n";
  }

  private boolean endedPublished;

  /**
   * Replaces the file atomically (a reader never sees half a snapshot); a failed write is
   * skipped. Nothing is published after the final snapshot ({@code ended}).
   */
  synchronized void publish(long running, int workers, int nodesLost, boolean ended) {
    if (file == null || endedPublished) return;
    endedPublished = ended;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(snapshot(running, workers, nodesLost, ended));
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // progress is for show: the job goes on without it
    }
  }
}
