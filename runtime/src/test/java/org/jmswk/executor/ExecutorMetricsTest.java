package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link FarmExecutor#metrics()} against the work actually done by worker processes tagged with node names. */
class ExecutorMetricsTest {
  private static FarmExecutor withNodes(ExecutorOptions o, List<String> nodes, List<Process> procs) throws Exception {
    FarmExecutor e = FarmExecutor.start(o);
    for (int i = 0; i < nodes.size(); i++) {
      procs.add(LocalWorkers.start(e, i, ExecutorTestWorker.class, Map.of(FarmExecutor.NODE, nodes.get(i))));
    }
    assertTrue(e.awaitWorkers(nodes.size(), Duration.ofSeconds(60)), "workers connected");
    return e;
  }

  private static void stop(List<Process> procs) throws InterruptedException {
    for (Process p : procs) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  private static long sum(ExecutorMetrics m, java.util.function.ToLongFunction<ExecutorMetrics.NodeMetrics> f) {
    return m.nodes().stream().mapToLong(f).sum();
  }

  @Test
  void countsAndTimesMatchTheWorkDone() throws Exception {
    List<Process> procs = new ArrayList<>();
    try (FarmExecutor e = withNodes(ExecutorOptions.external(2), List.of("nodeA", "nodeB"), procs)) {
      ExecutorMetrics idle = e.metrics();
      assertEquals(2, idle.poolSize());
      assertEquals(List.of("nodeA", "nodeB"), idle.nodes().stream().map(ExecutorMetrics.NodeMetrics::node).toList());
      assertEquals(0, idle.total().tasksDone());

      long started = System.nanoTime();
      List<CompletableFuture<String>> sleeps = new ArrayList<>();
      for (int i = 0; i < 40; i++) sleeps.add(e.submit("sleep:25:s" + i, Codec.UTF8, Codec.UTF8));
      for (CompletableFuture<String> f : sleeps) f.get(60, TimeUnit.SECONDS);
      long wall = System.nanoTime() - started;
      List<CompletableFuture<String>> throwing = new ArrayList<>();
      for (int i = 0; i < 7; i++) throwing.add(e.submit("throw:no" + i, Codec.UTF8, Codec.UTF8));
      for (CompletableFuture<String> f : throwing) assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
      ExecutorMetrics before = e.metrics();
      List<Long> xs = new ArrayList<>();
      for (long i = 0; i < 5000; i++) xs.add(i);
      assertEquals(5000, e.map(xs, Codec.LONG, Codec.LONG).toList().size());

      ExecutorMetrics m = e.metrics();
      ExecutorMetrics.NodeMetrics t = m.total();
      assertEquals(40 + 7 + 5000, t.tasksDone());
      assertEquals(7, t.tasksFailed());
      assertEquals(0, t.tasksRetried());
      assertEquals(0, t.tasksLost());
      assertEquals(0, t.workersLost());
      assertEquals(2, t.workers());
      assertEquals(0, t.tasksRunning());
      assertEquals(0, m.tasksQueued());
      assertEquals(t.tasksDone(), sum(m, ExecutorMetrics.NodeMetrics::tasksDone), "nodes add up to the total");
      assertTrue(m.node("nodeA").orElseThrow().tasksDone() > 0 && m.node("nodeB").orElseThrow().tasksDone() > 0,
          "both nodes worked: " + m.nodes());
      // 40 tasks of >= 25 ms in the handler, on 2 workers that ran at most for the wall time each
      long compute = t.compute().toNanos();
      assertTrue(compute >= 40 * 25_000_000L, "compute " + t.compute());
      assertTrue(compute <= 2 * (System.nanoTime() - started), "compute " + t.compute() + " over 2 workers' wall time");
      assertTrue(before.total().compute().toNanos() <= 2 * wall + 2 * 100_000_000L, "compute before the map " + before.total().compute());
      assertTrue(t.communication().toNanos() > 0, "frames were sent and read");
      assertTrue(t.io().isEmpty(), "I/O is not measured by the executor");

      ExecutorMetrics delta = m.since(before);
      assertEquals(5000, delta.total().tasksDone(), "the interval holds the map only");
      assertEquals(0, delta.total().tasksFailed());
      assertEquals(5000, sum(delta, ExecutorMetrics.NodeMetrics::tasksDone));
      assertTrue(delta.span().compareTo(Duration.ZERO) > 0);
    } finally {
      stop(procs);
    }
  }

  @Test
  void gaugesShowQueuedAndRunningTasks() throws Exception {
    List<Process> procs = new ArrayList<>();
    try (FarmExecutor e = withNodes(ExecutorOptions.external(1).withPrefetch(1), List.of("solo"), procs)) {
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 5; i++) fs.add(e.submit("sleep:400:g" + i, Codec.UTF8, Codec.UTF8));
      Thread.sleep(150);
      ExecutorMetrics m = e.metrics();
      assertEquals(1, m.total().tasksRunning(), "one task on the worker (prefetch 1)");
      assertEquals(4, m.tasksQueued());
      assertEquals(0, m.total().tasksDone());
      for (CompletableFuture<String> f : fs) f.get(60, TimeUnit.SECONDS);
      m = e.metrics();
      assertEquals(0, m.total().tasksRunning());
      assertEquals(0, m.tasksQueued());
      assertEquals(5, m.node("solo").orElseThrow().tasksDone());
    } finally {
      stop(procs);
    }
  }

  /** A worker killed while running a task: the node keeps its figures, one worker lost, the task counted as retried once. */
  @Test
  void aKilledWorkerIsCountedOnItsNode() throws Exception {
    List<Process> procs = new ArrayList<>();
    try (FarmExecutor e = withNodes(ExecutorOptions.external(2).withPrefetch(1), List.of("nodeA", "nodeB"), procs)) {
      for (int i = 0; i < 4; i++) assertEquals("W" + i, e.submit("w" + i, Codec.UTF8, Codec.UTF8).get(60, TimeUnit.SECONDS));
      long doneOnA = e.metrics().node("nodeA").orElseThrow().tasksDone();
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 2; i++) fs.add(e.submit("sleep:1500:k" + i, Codec.UTF8, Codec.UTF8));
      Thread.sleep(400); // one on each worker (prefetch 1)
      assertEquals(1, e.metrics().node("nodeA").orElseThrow().tasksRunning());
      procs.getFirst().destroyForcibly(); // nodeA's worker
      for (CompletableFuture<String> f : fs) f.get(60, TimeUnit.SECONDS);
      ExecutorMetrics m = e.metrics();
      ExecutorMetrics.NodeMetrics a = m.node("nodeA").orElseThrow();
      assertEquals(0, a.workers());
      assertEquals(1, a.workersLost());
      assertEquals(1, a.tasksRetried());
      assertEquals(doneOnA, a.tasksDone(), "what nodeA did before it died still counts");
      assertEquals(1, m.poolSize());
      assertEquals(4 + 2, m.total().tasksDone());
      assertEquals(2, m.node("nodeB").orElseThrow().tasksDone() - (4 - doneOnA), "nodeB ran both long tasks");
    } finally {
      stop(procs);
    }
  }

  /** With no retries, a task that kills its worker is lost: counted once, with the worker. */
  @Test
  void aTaskOverItsCrashLimitIsCountedLost() throws Exception {
    List<Process> procs = new ArrayList<>();
    try (FarmExecutor e = withNodes(ExecutorOptions.external(2).withRetries(0), List.of("nodeA", "nodeB"), procs)) {
      ExecutionException x = assertThrows(ExecutionException.class,
          () -> e.submit("die:now", Codec.UTF8, Codec.UTF8).get(60, TimeUnit.SECONDS));
      assertTrue(x.getCause() instanceof TaskLostException, String.valueOf(x.getCause()));
      ExecutorMetrics m = e.metrics();
      assertEquals(1, m.total().tasksLost());
      assertEquals(1, m.total().workersLost());
      assertEquals(0, m.total().tasksRetried());
      assertEquals(0, m.total().tasksDone());
      assertEquals(1, m.poolSize());
    } finally {
      stop(procs);
    }
  }
}
