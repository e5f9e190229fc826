package org.jmswk.examples.farm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jmswk.farm.TaskFarm;
import org.jmswk.farm.TaskResult;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.Mswk;

/**
 * A parameter sweep as a failure-tolerant task farm; {@link SweepWorker} is its mirror. The
 * master spawns MPI_UNIVERSE_SIZE - 1 Java workers and hands each a parameter; a worker that
 * dies costs its task one attempt, a replacement is spawned and the sweep goes on.
 *
 * <p>Usage: {@code mpiexec -n 1 java ... SweepMaster [POINTS]} (jmswk sub sets the slots and
 * the failure-isolation settings).
 */
public final class SweepMaster {
  private SweepMaster() {}

  public static void main(String[] args) {
    int points = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    MPI.init();
    Mswk.start();
    int workers = Math.max(1, MPI.universeSize().orElse(2) - 1);
    List<byte[]> tasks = new ArrayList<>();
    for (int i = 0; i < points; i++) tasks.add(Double.toString(i / (double) points).getBytes(StandardCharsets.UTF_8));
    int ok = 0;
    try (TaskFarm farm = TaskFarm.start(SweepWorker.class, new String[0], workers, null, 3,
        e -> { if (!e.kind().equals("task-done")) System.out.println("master: " + e.kind() + " " + e.worker() + " " + e.detail()); })) {
      for (TaskResult r : farm.run(tasks)) {
        String x = new String(tasks.get(r.task()), StandardCharsets.UTF_8);
        if (r.ok()) {
          ok++;
          System.out.printf("x=%s f(x)=%s attempts=%d%n", x, new String(r.output(), StandardCharsets.UTF_8), r.attempts());
        } else {
          System.out.printf("x=%s FAILED after %d attempts: %s%n", x, r.attempts(), r.failure());
        }
      }
    }
    System.out.printf("master: %d of %d points done%n", ok, points);
    int status = ok == points ? 0 : 1;
    // the results are out: should Open MPI hang in shutdown (a worker lost mid-connect), end with the sweep's status
    MPI.statusIfShutdownStuck(status);
    Mswk.stop();
    MPI.finish();
    System.exit(status);
  }
}
