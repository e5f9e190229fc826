package org.jmswk.launcher.timeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.ExecutorTestWorker;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.journal.Journal;
import org.jmswk.mpi.MPI;

/**
 * Master of a job for the timeline and progress tests, under mpiexec in {@code jmswk sub}: the
 * job's journal, 2 spawned workers, POINTS tasks of MS milliseconds (every 7th throws), and first
 * one task that kills its worker the first time it runs (a lost worker, a re-run). Prints
 * "POINTS done D failed F".
 *
 * <p>Args: POINTS MS
 */
public final class TimelineJobProgram {
  private TimelineJobProgram() {}

  public static void main(String[] args) throws Exception {
    int points = Integer.parseInt(args[0]);
    int ms = Integer.parseInt(args[1]);
    Path marker = Path.of(System.getenv("JMSWK_JOB_DIR"), "worker-died-once");
    MPI.init();
    int done = 0;
    int failed = 0;
    try (Journal journal = Journal.forJob();
         FarmExecutor e = FarmExecutor.start(ExecutorOptions.of(ExecutorTestWorker.class, 2).withListener(journal))) {
      List<CompletableFuture<String>> fs = new ArrayList<>();
      fs.add(e.submit("dies-once", "dieonce:" + marker + ":back", Codec.UTF8, Codec.UTF8));
      for (int i = 0; i < points; i++) {
        String input = i % 7 == 3 ? "throw:bad point " + i : "sleep:" + ms + ":point " + i;
        fs.add(e.submit("p" + i, input, Codec.UTF8, Codec.UTF8));
      }
      for (CompletableFuture<String> f : fs) {
        try {
          f.get(120, TimeUnit.SECONDS);
          done++;
        } catch (java.util.concurrent.ExecutionException x) {
          failed++;
        }
      }
    }
    System.out.println("POINTS done " + done + " failed " + failed);
    MPI.statusIfShutdownStuck(0);
    MPI.finish();
    System.exit(0);
  }
}
