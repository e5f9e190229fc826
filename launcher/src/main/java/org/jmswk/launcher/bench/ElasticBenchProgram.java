package org.jmswk.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jmswk.agent.JobSecret;
import org.jmswk.control.ControlClient;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.mpi.MPI;

/**
 * Master of {@code jmswk bench elastic}, under mpirun in a job directory of its own
 * ({@code JMSWK_JOB_DIR}, whose hostfile offers the slots): an executor with one spawned worker
 * kept busy with tasks of TASK_US, steered through its own control endpoint exactly as
 * {@code jmswk ctl} does. Per round and size K: a grow of K (command to "done": every new worker
 * serving), a shrink of K (command to "done": drained and told to stop), then the same K workers
 * grown one at a time (K grows of 1, each to "done"), and the throughput during the grow of K
 * against the second before it. Prints "ROUND K GROW_MS SHRINK_MS ONE_BY_ONE_MS RATE_BEFORE RATE_DURING".
 *
 * <p>Args: ROUNDS SIZES(csv) TASK_US NODES(csv): every grow and shrink is spread over NODES in turn
 * (the first node first), the one-by-one grows too, so both place the same workers on the same nodes.
 */
public final class ElasticBenchProgram {
  private ElasticBenchProgram() {}

  private static List<String> nodes;

  /** The resize command for {@code k} workers (negative: a shrink) spread over the nodes in turn. */
  static String resize(List<String> over, int k) {
    int[] per = new int[over.size()];
    for (int i = 0; i < Math.abs(k); i++) per[i % per.length]++;
    StringBuilder c = new StringBuilder("6");
    for (int i = 0; i < per.length; i++) if (per[i] > 0) c.append(':').append(over.get(i)).append(':').append(Integer.signum(k) * per[i]);
    return c.toString();
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    List<Integer> sizes = new ArrayList<>();
    for (String s : args[1].split(",")) sizes.add(Integer.parseInt(s));
    long taskUs = Long.parseLong(args[2]);
    nodes = List.of(args.length > 3 ? args[3].split(",") : new String[] {"localhost"});
    Path jobDir = Path.of(System.getenv("JMSWK_JOB_DIR"));
    MPI.init();
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.of(ElasticBenchWorker.class, 1))) {
      e.awaitWorkers(1, Duration.ofSeconds(60));
      Thread feeder = Thread.ofVirtual().start(() -> feed(e, taskUs));
      try (ControlClient c = ControlClient.connect(ControlClient.address(jobDir), JobSecret.load(), Duration.ofSeconds(30))) {
        command(c, resize(nodes, 1)); // warm-up: the job's first spawn sets up what later ones reuse
        command(c, resize(nodes, -1));
        for (int round = 0; round < rounds; round++) {
          for (int k : sizes) {
            // the peer first in odd rounds, so neither side always runs on a warmer machine
            double oneByOneMs = round % 2 == 1 ? oneByOne(c, k) : 0;
            double before = rate(e, 1000);
            long done0 = e.metrics().total().tasksDone();
            long t0 = System.nanoTime();
            String failed = grow(c, k);
            double growMs = (System.nanoTime() - t0) / 1e6;
            if (failed != null) { // rolled back: the pool is as before; reported, not timed
              System.out.println("GROW-FAILED " + k + " after " + Math.round(growMs) + " ms: " + failed);
              continue;
            }
            double during = (e.metrics().total().tasksDone() - done0) / (growMs / 1000);
            t0 = System.nanoTime();
            command(c, resize(nodes, -k));
            double shrinkMs = (System.nanoTime() - t0) / 1e6;
            if (round % 2 == 0) oneByOneMs = oneByOne(c, k);
            System.out.printf("ROUND %d %.1f %.1f %.1f %.1f %.1f%n", k, growMs, shrinkMs, oneByOneMs, before, during);
          }
        }
      }
      feeder.interrupt();
      e.terminate("bench over").get();
    }
    MPI.statusIfShutdownStuck(0);
    MPI.finish();
    System.exit(0);
  }

  /** A grow of K to its final reply: null when done, else the reason it failed (and was rolled back). */
  private static String grow(ControlClient c, int k) throws Exception {
    c.send(resize(nodes, k));
    while (true) {
      JsonNode r = c.next(Duration.ofSeconds(180));
      if (r == null) throw new IllegalStateException("FAIL the control endpoint closed");
      if (!ControlClient.isFinal(r)) continue;
      return r.path("state").asText().equals("done") ? null : r.path("reason").asText();
    }
  }

  /** K grows of one worker, each to done (then the K removed again, not timed); returns the grows' time in ms. */
  private static double oneByOne(ControlClient c, int k) throws Exception {
    long t0 = System.nanoTime();
    // worker i on node i mod n, as a grow of k spreads them
    for (int i = 0; i < k; i++) command(c, "6:" + nodes.get(i % nodes.size()) + ":1");
    double ms = (System.nanoTime() - t0) / 1e6;
    command(c, resize(nodes, -k));
    return ms;
  }

  /** Sends one control command and waits for its final reply; anything but done ends the bench. */
  private static void command(ControlClient c, String command) throws Exception {
    c.send(command);
    while (true) {
      JsonNode r = c.next(Duration.ofSeconds(180));
      if (r == null) throw new IllegalStateException("FAIL the control endpoint closed");
      if (!ControlClient.isFinal(r)) continue;
      if (!r.path("state").asText().equals("done")) throw new IllegalStateException("FAIL " + command + ": " + r);
      return;
    }
  }

  /** Tasks done per second over the next {@code ms}. */
  private static double rate(FarmExecutor e, long ms) throws InterruptedException {
    long d0 = e.metrics().total().tasksDone();
    long t0 = System.nanoTime();
    Thread.sleep(ms);
    return (e.metrics().total().tasksDone() - d0) / ((System.nanoTime() - t0) / 1e9);
  }

  /** Keeps about a thousand tasks waiting, so that every worker always has work. */
  private static void feed(FarmExecutor e, long taskUs) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        if (e.metrics().tasksQueued() < 1000) {
          for (int i = 0; i < 1000; i++) e.submit(taskUs, Codec.LONG, Codec.LONG);
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException | java.util.concurrent.RejectedExecutionException stop) {
      // the bench is over
    }
  }
}
