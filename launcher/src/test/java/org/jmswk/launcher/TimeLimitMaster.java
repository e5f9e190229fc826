package org.jmswk.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorEvent;
import org.jmswk.executor.ExecutorTestWorker;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.executor.TimeLimitException;
import org.jmswk.journal.Journal;
import org.jmswk.journal.JournalWrapper;
import org.jmswk.mpi.MPI;

/**
 * Master for {@link TimeLimitResumeTest}, under jmswk sub: TASKS keyed tasks "sleep:MS:kI" on 2
 * spawned workers with the job's journal. Prints "DONE tI" for each result (its future completes
 * only once it is journalled), the executor's time-limit events and worker losses, and at the end
 * "RESULT done=D notrun=N failed=F".
 *
 * <p>Args: TASKS MS
 */
public final class TimeLimitMaster {
  private TimeLimitMaster() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    String ms = args[1];
    MPI.init();
    Journal journal = Journal.forJob();
    int done = 0;
    int notRun = 0;
    int failed = 0;
    var log = new JournalWrapper(journal) {
      @Override
      public void event(ExecutorEvent e) {
        super.event(e);
        if (e.kind().startsWith("time-limit") || e.kind().equals("worker-lost")) {
          System.out.println("EVENT " + e.kind() + " " + e.detail());
        }
      }
    };
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.of(ExecutorTestWorker.class, 2).withListener(log))) {
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) fs.add(e.submit("t" + i, "sleep:" + ms + ":k" + i, Codec.UTF8, Codec.UTF8));
      for (int i = 0; i < n; i++) {
        try {
          if (!fs.get(i).get(300, TimeUnit.SECONDS).equals("K" + i)) throw new IllegalStateException("wrong result " + i);
          System.out.println("DONE t" + i);
          done++;
        } catch (ExecutionException x) {
          if (x.getCause() instanceof TimeLimitException) notRun++;
          else failed++;
        }
      }
    }
    journal.close();
    System.out.printf("RESULT done=%d notrun=%d failed=%d%n", done, notRun, failed);
    int status = notRun + failed == 0 ? 0 : 1;
    MPI.statusIfShutdownStuck(status);
    MPI.finish();
    System.exit(status);
  }
}
