package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.agent.AgentPool;
import org.jmswk.agent.AgentProcesses;
import org.jmswk.agent.AgentSettings;
import org.junit.jupiter.api.Test;

/** The same executor API over workers launched by agents (real agent and worker processes, no MPI). */
class AgentWorkersTest {
  private static final String SECRET = "agent-workers-test-secret-0123456789";

  @Test
  void tasksRunOnAgentLaunchedWorkersAndAKilledOneIsReplaced() throws Exception {
    try (AgentProcesses agents = new AgentProcesses();
         AgentPool pool = AgentPool.open(AgentPool.Options.defaults(SECRET.getBytes(StandardCharsets.UTF_8))
             .bind("127.0.0.1", 0).withSettings(AgentSettings.defaults()))) {
      agents.start(pool.port(), "n1", Map.of("JMSWK_JOB_SECRET", SECRET));
      agents.start(pool.port(), "n2", Map.of("JMSWK_JOB_SECRET", SECRET));
      assertTrue(pool.awaitAgents(2, Duration.ofSeconds(30)), "agents joined");
      List<ExecutorEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
      ExecutorListener l = new ExecutorListener() {
        @Override
        public void event(ExecutorEvent e) {
          events.add(e);
        }
      };
      ExecutorOptions o = ExecutorOptions.of(ExecutorTestWorker.class, 2).withListener(l);
      try (FarmExecutor e = FarmExecutor.start(o, AgentWorkers.starter(pool, ExecutorTestWorker.class))) {
        assertTrue(e.awaitWorkers(2, Duration.ofSeconds(60)), "workers connected");
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) fs.add(e.submit("a" + i, Codec.UTF8, Codec.UTF8));
        for (int i = 0; i < 200; i++) assertEquals("A" + i, fs.get(i).get(60, TimeUnit.SECONDS));
        long victim = e.workers().getFirst().pid();
        ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
        List<CompletableFuture<String>> more = new ArrayList<>();
        for (int i = 0; i < 200; i++) more.add(e.submit("sleep:2:b" + i, Codec.UTF8, Codec.UTF8));
        for (int i = 0; i < 200; i++) assertEquals("B" + i, more.get(i).get(60, TimeUnit.SECONDS));
        assertTrue(e.awaitWorkers(2, Duration.ofSeconds(60)), "the lost worker was replaced through an agent");
        assertTrue(events.stream().anyMatch(x -> x.kind().equals("worker-lost")), events.toString());
      }
    }
  }

  @Test
  void aPoolOfAgentLaunchedWorkersGrowsAndShrinksByNodeWithEachTaskDeliveredOnce() throws Exception {
    try (AgentProcesses agents = new AgentProcesses();
         AgentPool pool = AgentPool.open(AgentPool.Options.defaults(SECRET.getBytes(StandardCharsets.UTF_8))
             .bind("127.0.0.1", 0).withSettings(AgentSettings.defaults()).withMaxTasksPerAgent(2))) {
      agents.start(pool.port(), "n1", Map.of("JMSWK_JOB_SECRET", SECRET));
      agents.start(pool.port(), "n2", Map.of("JMSWK_JOB_SECRET", SECRET));
      assertTrue(pool.awaitAgents(2, Duration.ofSeconds(30)), "agents joined");
      ElasticPoolTest.Deliveries deliveries = new ElasticPoolTest.Deliveries();
      ExecutorOptions o = ExecutorOptions.of(ExecutorTestWorker.class, 1).withListener(deliveries);
      try (FarmExecutor e = FarmExecutor.start(o, AgentWorkers.starter(pool, ExecutorTestWorker.class))) {
        assertTrue(e.awaitWorkers(1, Duration.ofSeconds(60)), "worker connected");
        assertEquals(Map.of("n1", 2, "n2", 2), e.poolStatus().slots(), "the agents' nodes and task slots");
        int n = 3000;
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) fs.add(e.submit("sleep:1:t" + i, Codec.UTF8, Codec.UTF8));
        while (deliveries.seen.size() < 100) Thread.sleep(5);

        PoolChangeRefusedException unknown = assertThrows(PoolChangeRefusedException.class,
            () -> e.resize(Map.of("n9", 1), Duration.ofSeconds(60)));
        assertTrue(unknown.getMessage().contains("n9"), unknown.getMessage());
        assertThrows(PoolChangeRefusedException.class, () -> e.resize(Map.of("n2", 3), Duration.ofSeconds(60)),
            "more workers than n2's agent runs at once");

        String first = e.poolStatus().workersPerNode().keySet().iterator().next();
        String other = first.equals("n1") ? "n2" : "n1";
        PoolChange grow = e.resize(Map.of(other, 2), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
        assertEquals(2, grow.workers().size());
        assertEquals(Map.of(first, 1, other, 2), e.poolStatus().workersPerNode(), e.workers().toString());
        assertTrue(deliveries.seen.size() < n, "the grow finished while tasks were still running");
        PoolChange shrink = e.resize(Map.of(other, -2), Duration.ofSeconds(60)).get(90, TimeUnit.SECONDS);
        assertEquals(2, shrink.workers().size());
        assertEquals(Map.of(first, 1), e.poolStatus().workersPerNode());

        for (int i = 0; i < n; i++) assertEquals("T" + i, fs.get(i).get(120, TimeUnit.SECONDS));
        assertEquals(n, deliveries.seen.size());
        assertTrue(deliveries.seen.values().stream().allMatch(c -> c == 1), "each task delivered once");
        assertEquals(0, e.metrics().total().workersLost(), "drained workers are not counted as lost");
      }
    }
  }
}
