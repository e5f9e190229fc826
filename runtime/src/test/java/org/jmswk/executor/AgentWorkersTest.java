package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
