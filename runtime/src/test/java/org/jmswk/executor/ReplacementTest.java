package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

  @Test
  void aStartWhoseLauncherEndsFailsWithThatReasonInsteadOfWaitingOutItsBound() {
    List<ExecutorEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorListener l = new ExecutorListener() {
      @Override
      public void event(ExecutorEvent e) {
        events.add(e);
      }
    };
    LocalNodeStarter starter = new LocalNodeStarter(Map.of("broken1", 1), Map.of(), List.of());
    ExecutorOptions o = ExecutorOptions.external(1).withListener(l).withStartTimeout(Duration.ofSeconds(600));
    IllegalStateException x = assertThrows(IllegalStateException.class, () -> FarmExecutor.start(o, starter));
    assertTrue(x.getMessage().contains("no worker could be started"), x.getMessage());
    assertTrue(events.stream().anyMatch(e -> e.kind().equals("worker-start-failed")
        && e.detail().contains("its launcher ended before it connected")), events.toString());
    starter.close();
  }

  @Test
  void aReplacementStartThatNeverReturnsFailsTheWaitingTasksAndCloseStillReturns() throws Exception {
    LocalNodeStarter starter = new LocalNodeStarter(Map.of("node1", 4), Map.of(), List.of());
    starter.hangFromLaunch(2);
    FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1).withStartTimeout(Duration.ofSeconds(2)), starter);
    assertTrue(e.awaitWorkers(1, Duration.ofSeconds(60)));
    assertEquals("DONE", e.submit("done", Codec.UTF8, Codec.UTF8).get(60, TimeUnit.SECONDS));
    List<CompletableFuture<String>> fs = new ArrayList<>();
    for (int i = 0; i < 10; i++) fs.add(e.submit("sleep:200:r" + i, Codec.UTF8, Codec.UTF8));
    Thread.sleep(300);
    ProcessHandle.of(e.workers().getFirst().pid()).orElseThrow().destroyForcibly();
    // the replacement's start hangs: after the start bound (2 s) plus the grace (10 s), what waits fails
    for (CompletableFuture<String> f : fs) {
      ExecutionException x = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
      assertInstanceOf(TaskLostException.class, x.getCause());
    }
    assertTrue(fs.stream().anyMatch(f -> f.exceptionNow().getMessage().contains("start hung")),
        "a task names the hung start: " + fs.getLast().exceptionNow().getMessage());
    Thread closer = Thread.ofPlatform().start(e::close);
    closer.join(Duration.ofSeconds(60));
    assertFalse(closer.isAlive(), "close() returned although a worker start never did");
    starter.close();
  }
}
