package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The executor with workers as plain processes on this machine (Unix domain sockets and TCP). */
class ExecutorLocalTest {
  private static FarmExecutor withWorkers(ExecutorOptions o, int n, List<Process> procs) throws Exception {
    FarmExecutor e = FarmExecutor.start(o);
    for (int i = 0; i < n; i++) procs.add(LocalWorkers.start(e, i, ExecutorTestWorker.class, Map.of()));
    assertTrue(e.awaitWorkers(n, Duration.ofSeconds(60)), "workers connected");
    return e;
  }

  /** A map whose worker is SIGKILLed half-way: every element ends once, with the right value, on the survivor. */
  @Test
  void aMapSurvivesAKilledWorkerEachElementDeliveredOnce() throws Exception {
    List<Process> procs = new ArrayList<>();
    java.util.Map<Long, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
    ExecutorListener counting = new ExecutorListener() {
      @Override
      public boolean wantsOutcomes() {
        return true;
      }

      @Override
      public void beforeDelivery(List<Outcome> outcomes) {
        for (Outcome o : outcomes) seen.merge(o.elementId(), 1, Integer::sum);
      }
    };
    try (FarmExecutor e = withWorkers(ExecutorOptions.external(2).withListener(counting), 2, procs)) {
      List<String> inputs = new ArrayList<>();
      for (int i = 0; i < 2000; i++) inputs.add("sleep:1:m" + i);
      MapResult<String> r = e.map(inputs, Codec.UTF8, Codec.UTF8);
      while (r.completed() < 300) Thread.sleep(5);
      procs.getFirst().destroyForcibly();
      List<String> out = r.toList();
      for (int i = 0; i < inputs.size(); i++) assertEquals("M" + i, out.get(i));
      assertEquals(inputs.size(), seen.size());
      assertTrue(seen.values().stream().allMatch(n -> n == 1), "each element delivered once");
      assertEquals(1, e.workers().size(), "the killed worker is gone");
    }
  }

  @Test
  void submitMapAndFailuresOverBothTransports() throws Exception {
    for (String transport : List.of("auto", "tcp")) {
      List<Process> procs = new ArrayList<>();
      try (FarmExecutor e = withWorkers(ExecutorOptions.external(2).withTransport(transport), 2, procs)) {
        List<CompletableFuture<String>> fs = new ArrayList<>();
        for (int i = 0; i < 500; i++) fs.add(e.submit("t" + i, Codec.UTF8, Codec.UTF8));
        for (int i = 0; i < 500; i++) assertEquals("T" + i, fs.get(i).get());
        List<Long> xs = new ArrayList<>();
        for (long i = 0; i < 20_000; i++) xs.add(i);
        MapResult<Long> squares = e.map(xs, Codec.LONG, Codec.LONG);
        int i = 0;
        for (long v : squares) {
          assertEquals((long) i * i, v);
          i++;
        }
        assertEquals(20_000, i);
        ExecutionException thrown = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
            () -> e.submit("throw:bad input", Codec.UTF8, Codec.UTF8).get());
        RemoteTaskException remote = assertInstanceOf(RemoteTaskException.class, thrown.getCause());
        assertEquals("java.lang.IllegalArgumentException", remote.remoteClass());
        assertEquals("bad input", remote.remoteMessage());
        assertTrue(remote.remoteTrace().contains("ExecutorTestWorker.handle"), remote.remoteTrace());
        byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte) 'a');
        byte[] back = e.submit(big).get();
        assertEquals(big.length, back.length);
        assertEquals('A', back[back.length - 1]);
      } finally {
        for (Process p : procs) p.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(20), java.util.concurrent.TimeUnit.MILLISECONDS);
        for (Process p : procs) assertEquals(0, p.exitValue(), "a stopped worker exits 0");
      }
    }
  }
}
