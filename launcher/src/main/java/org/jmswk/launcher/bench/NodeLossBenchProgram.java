package org.jmswk.launcher.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jmswk.farm.TaskFarm;
import org.jmswk.farm.TaskWorker;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.Mswk;

/**
 * The job that {@code jmswk bench mswk --cluster} runs and hurts: a {@link TaskFarm} master with
 * MPI_UNIVERSE_SIZE - 1 workers that prints every farm event with the wall-clock time the master
 * learned of it ({@code EVENT kind worker-id host epoch-ms}), and keeps handing out tasks of
 * {@value #TASK_MS} ms until {@code $JMSWK_JOB_DIR/stop} exists (at most {@value #LIMIT_S} s, and
 * not after every worker node is lost). Short tasks keep the master in connect/accept with
 * its workers most of the time, where a lost launcher hurts most.
 * Started with the argument {@code worker} it is the worker.
 */
public final class NodeLossBenchProgram {
  static final int TASK_MS = 300;
  static final int LIMIT_S = 600;

  private NodeLossBenchProgram() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("worker")) {
      TaskWorker.serve(input -> {
        try {
          Thread.sleep(Integer.parseInt(new String(input, StandardCharsets.UTF_8)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return input;
      });
      return;
    }
    MPI.init();
    Mswk.start();
    int workers = Math.max(1, MPI.universeSize().orElse(2) - 1);
    Path stop = Path.of(System.getenv().getOrDefault("JMSWK_JOB_DIR", "."), "stop");
    long deadline = System.nanoTime() + LIMIT_S * 1_000_000_000L;
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < workers; i++) batch.add(Integer.toString(TASK_MS).getBytes(StandardCharsets.UTF_8));
    try (TaskFarm farm = TaskFarm.start(NodeLossBenchProgram.class, new String[] {"worker"}, workers, null, 1000,
        e -> {
          if (!e.kind().equals("task-done")) {
            System.out.printf("EVENT %s %d %s %d%n", e.kind(), e.worker() == null ? -1 : e.worker().id(),
                e.worker() == null ? e.detail() : e.worker().host(), e.epochMillis());
          }
        })) {
      // ends early if every node is lost (then no worker is left to run a task)
      while (!Files.exists(stop) && System.nanoTime() < deadline && !farm.workers().isEmpty()) farm.run(batch);
    }
    System.out.println("DONE");
    Mswk.stop();
    MPI.finish();
  }
}
