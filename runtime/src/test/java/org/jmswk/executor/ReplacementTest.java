package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A lost worker is replaced once: the pool keeps the size it was started with. */
class ReplacementTest {
  @Test
  void theOnlyWorkerKilledWithTasksWaitingGetsOneReplacement() throws Exception {
    LocalNodeStarter starter = new LocalNodeStarter(Map.of("node1", 4), Map.of(), List.of());
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1), starter)) {
      assertTrue(e.awaitWorkers(1, Duration.ofSeconds(60)));
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 40; i++) fs.add(e.submit("sleep:50:r" + i, Codec.UTF8, Codec.UTF8));
      Thread.sleep(300);
      ProcessHandle.of(e.workers().getFirst().pid()).orElseThrow().destroyForcibly();
      for (int i = 0; i < fs.size(); i++) assertEquals("R" + i, fs.get(i).get(120, TimeUnit.SECONDS));
      Thread.sleep(1000); // a second replacement, if one was started, has connected by now
      assertEquals(1, e.workers().size(), "workers after one loss: " + e.workers());
      assertEquals(2, starter.launches.get(), "the first worker and one replacement");
      assertEquals(1, e.metrics().total().workersLost());
    }
  }
}
