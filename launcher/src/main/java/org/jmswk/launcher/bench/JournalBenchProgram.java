package org.jmswk.launcher.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorListener;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.journal.Journal;
import org.jmswk.journal.JournalSettings;
import org.jmswk.mpi.MPI;

/**
 * Master of {@code jmswk bench journal}, under mpirun: per round, for each mode in turn (none,
 * full, normal), an executor with WORKERS spawned workers and, but for none, a fresh journal in
 * DIR; a warm-up, then TASKS tiny tasks submitted one future each; prints "ROUND MODE TASKS_PER_S".
 *
 * <p>Args: ROUNDS TASKS WORKERS DIR WORK_US (busy work per task on the worker)
 */
public final class JournalBenchProgram {
  private JournalBenchProgram() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    int tasks = Integer.parseInt(args[1]);
    int workers = Integer.parseInt(args[2]);
    Path dir = Path.of(args[3]);
    String workUs = args[4];
    MPI.init();
    for (int round = 0; round < rounds; round++) {
      for (String mode : List.of("none", "full", "normal")) {
        Path file = dir.resolve("bench-journal-" + mode + ".sqlite");
        Journal journal = mode.equals("none") ? null
            : Journal.open(new JournalSettings(file, "bench", true, mode.equals("full"), -1));
        ExecutorListener listener = journal != null ? journal : new ExecutorListener() {};
        double rate;
        try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.of(JournalBenchWorker.class, workers).withArgs(workUs)
            .withListener(listener))) {
          e.awaitWorkers(workers, java.time.Duration.ofSeconds(60));
          run(e, 0, Math.max(1000, tasks / 10));
          long t0 = System.nanoTime();
          run(e, 1_000_000_000L, tasks); // other inputs than the warm-up's: none is recalled
          rate = tasks / ((System.nanoTime() - t0) / 1e9);
        }
        if (journal != null) journal.close();
        for (String suffix : new String[] {"", "-wal", "-shm", ".old", ".old-wal", ".old-shm"}) {
          Files.deleteIfExists(Path.of(file + suffix));
        }
        System.out.printf("ROUND %s %.1f%n", mode, rate);
      }
    }
    MPI.statusIfShutdownStuck(0);
    MPI.finish();
    System.exit(0);
  }

  private static void run(FarmExecutor e, long base, int n) throws Exception {
    List<CompletableFuture<Long>> fs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) fs.add(e.submit(base + i, Codec.LONG, Codec.LONG));
    for (int i = 0; i < n; i++) {
      long x = base + i;
      if (fs.get(i).get(120, TimeUnit.SECONDS) != x * x) throw new IllegalStateException("FAIL wrong result for " + x);
    }
  }
}
