package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grow and shrink of a running executor's pool, with real worker processes on named "nodes". */
class ElasticPoolTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Counts every delivery by element id (each must be 1). */
  static final class Deliveries implements ExecutorListener {
    final Map<Long, Integer> seen = new ConcurrentHashMap<>();

    @Override
    public boolean wantsOutcomes() {
      return true;
    }

    @Override
    public void beforeDelivery(List<Outcome> outcomes) {
      for (Outcome o : outcomes) seen.merge(o.elementId(), 1, Integer::sum);
    }
  }

  private static LocalNodeStarter starter(Path log, List<String> silent) {
    Map<String, String> props = log == null ? Map.of() : Map.of("jmswk.test.log", log.toString());
    Map<String, Integer> slots = new LinkedHashMap<>();
    slots.put("node1", 4);
    slots.put("node2", 4);
    slots.put("slow", 2);
    return new LocalNodeStarter(slots, props, silent);
  }

  private static Map<String, Integer> nodes(Object... kv) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Integer) kv[i + 1]);
    return m;
  }

  @Test
  void growAndShrinkDuringTenThousandTasksEachDoneExactlyOnce(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("executions.log");
    Deliveries deliveries = new Deliveries();
    LocalNodeStarter starter = starter(log, List.of());
    int n = 10_000;
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(2).withListener(deliveries), starter)) {
      assertTrue(e.awaitWorkers(2, DEADLINE));
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) fs.add(e.submit("sleep:1:t" + i, Codec.UTF8, Codec.UTF8));
      while (deliveries.seen.size() < 500) Thread.sleep(5);

      PoolChange grow = e.resize(nodes("node1", 1, "node2", 2), DEADLINE).get(90, TimeUnit.SECONDS);
      assertEquals(3, grow.workers().size());
      assertEquals(5, e.poolStatus().size());
      long before = deliveries.seen.size();
      assertTrue(before < n, "the grow finished while tasks were still running");
      // the new workers serve: each has answered a task within a few seconds
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!grow.workers().stream().allMatch(id -> servedSomething(e, id))) {
        assertTrue(System.nanoTime() < deadline, "every new worker serves tasks: " + e.metrics());
        Thread.sleep(20);
      }

      assertEquals(Map.of("node1", 3, "node2", 2), e.poolStatus().workersPerNode(), e.poolStatus() + " " + e.workers());
      PoolChange shrink = e.resize(nodes("node2", -2), DEADLINE).get(90, TimeUnit.SECONDS);
      assertEquals(2, shrink.workers().size());
      assertEquals(3, e.poolStatus().size());
      assertTrue(e.poolStatus().draining().isEmpty());
      for (int id : shrink.workers()) {
        assertTrue(starter.process(id).waitFor(30, TimeUnit.SECONDS), "a drained worker's process ends");
        assertEquals(0, starter.process(id).exitValue(), "a drained worker stops cleanly");
      }

      for (int i = 0; i < n; i++) assertEquals("T" + i, fs.get(i).get(120, TimeUnit.SECONDS));
      assertEquals(n, deliveries.seen.size());
      assertTrue(deliveries.seen.values().stream().allMatch(c -> c == 1), "each task delivered once");
      Map<String, Integer> runs = new HashMap<>();
      for (String line : Files.readAllLines(log)) runs.merge(line.substring(0, line.indexOf(' ')), 1, Integer::sum);
      assertEquals(n, runs.size(), "every task ran");
      assertTrue(runs.values().stream().allMatch(c -> c == 1), "no task ran twice: " + runs.entrySet().stream()
          .filter(x -> x.getValue() > 1).limit(5).toList());
      assertEquals(0, e.metrics().total().workersLost(), "drained workers are not counted as lost");
    }
  }

  private static boolean servedSomething(FarmExecutor e, int id) {
    WorkerLink l = e.links.get(id);
    return l != null && l.tally.tasksDone > 0;
  }

  /** A drained worker hands back what it has not started: of 8 tasks sent ahead, it runs at most the one running (and one race). */
  @Test
  void aShrinkHandsBackTasksNotStarted(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("executions.log");
    Deliveries deliveries = new Deliveries();
    LocalNodeStarter starter = starter(log, List.of());
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1).withPrefetch(8).withListener(deliveries), starter)) {
      assertTrue(e.awaitWorkers(1, DEADLINE));
      PoolChange grow = e.resize(nodes("node2", 1), DEADLINE).get(90, TimeUnit.SECONDS);
      int added = grow.workers().getFirst();
      long pid = e.worker(added).pid();
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 60; i++) fs.add(e.submit("sleep:200:h" + i, Codec.UTF8, Codec.UTF8));
      while (runsBy(log, pid) < 1) Thread.sleep(5);
      long before = runsBy(log, pid);
      PoolChange shrink = e.resize(nodes("node2", -1), DEADLINE).get(90, TimeUnit.SECONDS);
      assertEquals(List.of(added), shrink.workers());
      assertTrue(runsBy(log, pid) - before <= 1, "the drained worker ran " + (runsBy(log, pid) - before)
          + " more tasks after the shrink: it should hand back what it had not started");
      for (int i = 0; i < 60; i++) assertEquals("H" + i, fs.get(i).get(120, TimeUnit.SECONDS));
      Map<String, Integer> runs = new HashMap<>();
      for (String line : Files.readAllLines(log)) runs.merge(line.substring(0, line.indexOf(' ')), 1, Integer::sum);
      assertEquals(60, runs.size());
      assertTrue(runs.values().stream().allMatch(c -> c == 1), "handed-back tasks ran once, elsewhere: " + runs);
      assertTrue(deliveries.seen.values().stream().allMatch(c -> c == 1));
    }
  }

  /**
   * A shrink is done once its workers have drained and were told to stop, not when their
   * processes have ended (a JVM exit plus MPI_Finalize each): those end in the background, are
   * retired then, and are never counted as lost. Here they take 8 s to end, past the liveness
   * bound (2 s): the executor retires them at that bound and the starter ends their processes,
   * so a stuck exit is reaped.
   */
  @Test
  void aShrinkIsDoneWhenItsWorkersHaveDrainedWhileTheirProcessesEndInTheBackground(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("executions.log");
    List<Integer> retired = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorListener events = new ExecutorListener() {
      @Override
      public void event(ExecutorEvent ev) {
        if (ev.kind().equals("worker-retired")) retired.add(ev.worker());
      }
    };
    LocalNodeStarter starter = new LocalNodeStarter(Map.of("node1", 4),
        Map.of("jmswk.test.log", log.toString(), "jmswk.test.exitDelayMs", "8000"), List.of());
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1).withListener(events), starter)) {
      assertTrue(e.awaitWorkers(1, DEADLINE));
      PoolChange grow = e.resize(nodes("node1", 2), DEADLINE).get(90, TimeUnit.SECONDS);
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 300; i++) fs.add(e.submit("sleep:20:s" + i, Codec.UTF8, Codec.UTF8));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!grow.workers().stream().allMatch(id -> servedSomething(e, id))) {
        assertTrue(System.nanoTime() < deadline, "every new worker serves tasks: " + e.metrics());
        Thread.sleep(20);
      }
      PoolChange shrink = e.resize(nodes("node1", -2), DEADLINE).get(90, TimeUnit.SECONDS);
      assertEquals(grow.workers().stream().sorted().toList(), shrink.workers().stream().sorted().toList());
      for (int id : shrink.workers()) {
        assertTrue(starter.process(id).isAlive(), "the shrink did not wait for worker " + id + "'s 8 s exit");
      }
      assertEquals(1, e.poolStatus().size());
      assertTrue(e.poolStatus().draining().isEmpty(), e.poolStatus().toString());
      assertTrue(retired.isEmpty(), "retired only once its connection has ended: " + retired);
      assertEquals(Map.of("node1", 1), e.poolStatus().workersPerNode());
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (retired.size() < 2) {
        assertTrue(System.nanoTime() < deadline, "both are retired within the liveness bound: " + retired);
        Thread.sleep(20);
      }
      for (int id : shrink.workers()) assertTrue(starter.process(id).waitFor(60, TimeUnit.SECONDS), "a stopped worker's process ends");
      for (int i = 0; i < 300; i++) assertEquals("S" + i, fs.get(i).get(120, TimeUnit.SECONDS));
      Map<String, Integer> runs = new HashMap<>();
      for (String line : Files.readAllLines(log)) runs.merge(line.substring(0, line.indexOf(' ')), 1, Integer::sum);
      assertEquals(300, runs.size());
      assertTrue(runs.values().stream().allMatch(c -> c == 1), "no task ran twice");
      assertEquals(0, e.metrics().total().workersLost(), "stopped workers are not counted as lost");
    }
  }

  private static long runsBy(Path log, long pid) throws java.io.IOException {
    if (!Files.exists(log)) return 0;
    return Files.readAllLines(log).stream().filter(l -> l.endsWith(" " + pid)).count();
  }

  @Test
  void aSecondReconfigurationIsBusyUntilTheFirstIsDone() throws Exception {
    LocalNodeStarter starter = starter(null, List.of());
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1), starter)) {
      assertTrue(e.awaitWorkers(1, DEADLINE));
      CompletableFuture<PoolChange> first = e.resize(nodes("node1", 2), DEADLINE);
      PoolChangeRefusedException busy = assertThrows(PoolChangeRefusedException.class,
          () -> e.resize(nodes("node2", 1), DEADLINE));
      assertTrue(busy.busy());
      assertTrue(busy.getMessage().contains("another reconfiguration is under way (+2 on node1)"), busy.getMessage());
      first.get(90, TimeUnit.SECONDS);
      PoolChange second = e.resize(nodes("node2", 1), DEADLINE).get(90, TimeUnit.SECONDS);
      assertEquals(1, second.workers().size());
      assertEquals(4, e.poolStatus().size());
      assertEquals("X", e.submit("x", Codec.UTF8, Codec.UTF8).get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void everyRuleIsCheckedBeforeAnythingStarts() throws Exception {
    LocalNodeStarter starter = starter(null, List.of());
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(2), starter)) {
      assertTrue(e.awaitWorkers(2, DEADLINE));
      starter.exclude("node2");
      int launches = starter.launches.get();
      Map<String, String> refusals = new LinkedHashMap<>();
      refusals.put("unknown node node9 (the job's worker nodes: node1, node2, slow)", "node9:1");
      refusals.put("node node2 is excluded (lost earlier in this job)", "node2:1");
      refusals.put("node node1 has 2 free worker slots (4 slots, 2 workers), not 3", "node1:3");
      refusals.put("signs are mixed (node1 -1)", "slow:1,node1:-1");
      refusals.put("node slow runs 0 workers, cannot remove 1", "slow:-1");
      refusals.put("the job started with 2 workers and has 2: at most 0 (those added) can be removed, not 1", "node1:-1");
      for (var r : refusals.entrySet()) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String kv : r.getValue().split(",")) m.put(kv.split(":")[0], Integer.parseInt(kv.split(":")[1]));
        PoolChangeRefusedException x = assertThrows(PoolChangeRefusedException.class, () -> e.resize(m, DEADLINE), r.getValue());
        assertTrue(x.getMessage().contains(r.getKey()), x.getMessage());
        assertFalse(x.busy());
      }
      assertEquals(launches, starter.launches.get(), "nothing was started");
      assertEquals(2, e.poolStatus().size());
      // more than were added: grow 1, then remove 2
      e.resize(nodes("node1", 1), DEADLINE).get(90, TimeUnit.SECONDS);
      PoolChangeRefusedException x = assertThrows(PoolChangeRefusedException.class, () -> e.resize(nodes("node1", -2), DEADLINE));
      assertTrue(x.getMessage().contains("at most 1 (those added) can be removed, not 2"), x.getMessage());
      assertEquals(3, e.poolStatus().size());
      assertEquals("Y", e.submit("y", Codec.UTF8, Codec.UTF8).get(30, TimeUnit.SECONDS));
    }
  }

  /** A new worker whose launcher ends before it connects fails the grow at once (not at its deadline), rolled back. */
  @Test
  void aGrowWhoseWorkerLauncherEndsIsRolledBackWithoutWaitingForItsDeadline() throws Exception {
    Map<String, Integer> slots = new LinkedHashMap<>();
    slots.put("node1", 4);
    slots.put("broken1", 2);
    LocalNodeStarter starter = new LocalNodeStarter(slots, Map.of(), List.of());
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1), starter)) {
      assertTrue(e.awaitWorkers(1, DEADLINE));
      CompletableFuture<PoolChange> grow = e.resize(nodes("node1", 1, "broken1", 1), Duration.ofSeconds(600));
      // far within the 600 s deadline: the launcher's end is the reason
      ExecutionException x = assertThrows(ExecutionException.class, () -> grow.get(120, TimeUnit.SECONDS));
      String why = x.getCause().getMessage();
      assertTrue(why.contains("starting the workers failed: worker ") && why.contains("'s launcher on broken1 ended before the worker connected"), why);
      assertTrue(why.contains("rolled back: 1 of 2 new workers had connected"), why);
      assertEquals(1, e.poolStatus().size(), "back to the pool before the grow");
      assertEquals(null, e.poolStatus().reconfiguring());
      assertEquals("W", e.submit("w", Codec.UTF8, Codec.UTF8).get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aGrowThatCannotFinishInTimeIsRolledBack() throws Exception {
    LocalNodeStarter starter = starter(null, List.of("slow"));
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1), starter)) {
      assertTrue(e.awaitWorkers(1, DEADLINE));
      CompletableFuture<PoolChange> grow = e.resize(nodes("node1", 1, "slow", 1), Duration.ofSeconds(8));
      ExecutionException x = assertThrows(ExecutionException.class, () -> grow.get(120, TimeUnit.SECONDS));
      String why = x.getCause().getMessage();
      assertTrue(why.contains("not every new worker was serving within 8 s"), why);
      assertTrue(why.contains("rolled back: 1 of 2 new workers had connected and were drained and stopped"), why);
      assertEquals(1, e.poolStatus().size(), "back to the pool before the grow");
      assertEquals(Map.of("node1", 1), e.poolStatus().workersPerNode());
      assertEquals(null, e.poolStatus().reconfiguring(), "the next reconfiguration may come");
      assertEquals("Z", e.submit("z", Codec.UTF8, Codec.UTF8).get(30, TimeUnit.SECONDS));
    }
  }
}
