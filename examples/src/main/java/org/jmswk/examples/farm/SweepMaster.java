package org.jmswk.examples.farm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorEvent;
import org.jmswk.executor.ExecutorListener;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.journal.Journal;
import org.jmswk.mpi.MPI;

/**
 * A parameter sweep as a failure-tolerant task farm on {@link FarmExecutor}; {@link SweepWorker}
 * is its mirror. The master starts MPI_UNIVERSE_SIZE - 1 Java workers (spawned, or in a
 * multi-node job one failure domain each) and submits every point (one future each: the points
 * are long tasks); a worker that dies costs its point one attempt, a replacement is started and
 * the sweep goes on. Inside a job ({@code JMSWK_JOB_DIR} and {@code JMSWK_JOB_ID} set, as {@code jmswk sub} does) the
 * job's journal is attached: a job run again ({@code jmswk sub --rerun ID}) re-delivers the
 * points already done, and the job gets its timeline picture when it ends.
 *
 * <p>Usage: {@code mpiexec -n 1 java ... SweepMaster [POINTS [WORKERS]]} (jmswk sub sets the slots and
 * the failure-isolation settings).
 */
public final class SweepMaster {
  private SweepMaster() {}

  public static void main(String[] args) {
    int points = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    MPI.init();
    // WORKERS (optional): start fewer than the job's slots, leaving room to grow it (jmswk ctl JOB 6:NODE:N)
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : Math.max(1, MPI.universeSize().orElse(2) - 1);
    List<Double> xs = new ArrayList<>();
    for (int i = 0; i < points; i++) xs.add(i / (double) points);
    int ok = 0;
    FarmExecutor[] self = new FarmExecutor[1];
    Map<Long, Integer> reruns = new ConcurrentHashMap<>();
    ExecutorListener log = new ExecutorListener() {
      @Override
      public void event(ExecutorEvent e) {
        if (e.kind().equals("task-retried")) reruns.merge(e.task(), 1, Integer::sum);
        String who = e.worker() < 0 ? "null" : describe(self[0], e);
        System.out.println("master: " + e.kind() + " " + who + " " + e.detail());
      }
    };
    boolean inJob = System.getenv("JMSWK_JOB_DIR") != null && System.getenv("JMSWK_JOB_ID") != null;
    Journal journal = inJob ? Journal.forJob().alsoTelling(log::event) : null;
    try (journal; FarmExecutor farm = FarmExecutor.start(ExecutorOptions.of(SweepWorker.class, workers)
        .withListener(journal != null ? journal : log))) {
      self[0] = farm;
      // the first submission: the points' task ids are 0..points-1
      List<CompletableFuture<String>> values = farm.invokeAll(xs, SweepWorker.DOUBLE, Codec.UTF8);
      for (int i = 0; i < points; i++) {
        try {
          String value = values.get(i).get();
          // counted once the point has ended: a re-run is announced before its result arrives
          System.out.printf("x=%s f(x)=%s attempts=%d%n", xs.get(i), value, attempts(reruns, i));
          ok++;
        } catch (ExecutionException failed) {
          System.out.printf("x=%s FAILED after %d attempts: %s%n", xs.get(i), attempts(reruns, i),
              failed.getCause().getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (journal != null) {
      System.out.printf("master: journal run %d: %d points re-delivered, %d executed%n", journal.run(),
          journal.redelivered(), journal.executed());
      journal.close();
    }
    System.out.printf("master: %d of %d points done%n", ok, points);
    int status = ok == points ? 0 : 1;
    // the results are out: should Open MPI hang in shutdown, end with the sweep's status
    MPI.statusIfShutdownStuck(status);
    MPI.finish();
    System.exit(status);
  }

  private static int attempts(Map<Long, Integer> reruns, int point) {
    return 1 + reruns.getOrDefault((long) point, 0);
  }

  /** "WorkerInfo[id=.., pid=.., node=.., host=..]" as the farm has always logged it. */
  private static String describe(FarmExecutor farm, ExecutorEvent e) {
    FarmExecutor.WorkerInfo w = farm == null ? null : farm.worker(e.worker());
    return w != null ? w.toString() : new FarmExecutor.WorkerInfo(e.worker(), -1, e.node(), e.host()).toString();
  }
}
