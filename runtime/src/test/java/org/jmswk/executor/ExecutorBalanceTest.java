package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load balancing by node power with the real executor: one worker process per "node" (workers
 * tagged with node names, -Djmswk.executor.node), the node file in the original's format.
 */
class ExecutorBalanceTest {
  private static FarmExecutor withNodes(List<Map<String, String>> props, List<Process> procs) throws Exception {
    FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(props.size()));
    for (int i = 0; i < props.size(); i++) procs.add(LocalWorkers.start(e, i, ExecutorTestWorker.class, props.get(i)));
    assertTrue(e.awaitWorkers(props.size(), Duration.ofSeconds(60)), "workers connected");
    return e;
  }

  private static void runAll(FarmExecutor e, int n, int sleepMs) throws Exception {
    List<CompletableFuture<String>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) fs.add(e.submit("sleep:" + sleepMs + ":b" + i, Codec.UTF8, Codec.UTF8));
    for (int i = 0; i < n; i++) assertEquals("B" + i, fs.get(i).get(120, TimeUnit.SECONDS));
  }

  private static void stop(List<Process> procs) throws InterruptedException {
    for (Process p : procs) if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
  }

  @Test
  void twoNodesOfPower1And3GetTasksAbout1To3(@TempDir Path dir) throws Exception {
    Path nodes = Files.writeString(dir.resolve("nodes.dat"), "nodeA:4:a:0:1\nnodeB:4:b:0:3\n");
    List<Process> procs = new ArrayList<>();
    try (FarmExecutor e = withNodes(List.of(Map.of(FarmExecutor.NODE, "nodeA"), Map.of(FarmExecutor.NODE, "nodeB")), procs)) {
      Map<String, Double> w = e.balanceByPower(NodeFile.read(nodes));
      assertEquals(Map.of("nodeA", 1.0, "nodeB", 3.0, "a", 1.0, "b", 3.0, "*", 2.0), w);
      runAll(e, 400, 2);
      ExecutorMetrics m = e.metrics();
      long a = m.node("nodeA").orElseThrow().tasksDone();
      long b = m.node("nodeB").orElseThrow().tasksDone();
      assertEquals(400, a + b);
      double ratio = b / (double) a;
      assertTrue(ratio > 2.5 && ratio < 3.5, "nodeB/nodeA = " + b + "/" + a + " = " + ratio + ", want about 3");

      // off again: two equal workers share about evenly
      e.balanceOff();
      ExecutorMetrics before = e.metrics();
      runAll(e, 400, 2);
      ExecutorMetrics d = e.metrics().since(before);
      double even = d.node("nodeB").orElseThrow().tasksDone() / (double) d.node("nodeA").orElseThrow().tasksDone();
      assertTrue(even > 0.5 && even < 2.0, "without weights: " + d.nodes());
      IllegalStateException off = assertThrows(IllegalStateException.class, e::rebalance);
      assertTrue(off.getMessage().contains("load balancing is off"), off.getMessage());
    } finally {
      stop(procs);
    }
  }

  @Test
  void measuredModeLearnsTheNodesRatesFromTaskTimes() throws Exception {
    List<Process> procs = new ArrayList<>();
    try (FarmExecutor e = withNodes(List.of(Map.of(FarmExecutor.NODE, "slow", "jmswk.test.slowdown", "3"),
        Map.of(FarmExecutor.NODE, "fast")), procs)) {
      Map<String, Double> none = e.balanceByMeasuredRate();
      assertEquals(Map.of("*", 1.0), none, "nothing measured yet: all equal");
      runAll(e, 120, 4);
      Map<String, Double> learned = e.rebalance();
      double ratio = learned.get("fast") / learned.get("slow");
      assertTrue(ratio > 2.0 && ratio < 4.0, "fast/slow learned " + learned + ", want about 3");
      assertEquals(learned, e.dispatchWeights());
      ExecutorMetrics before = e.metrics();
      runAll(e, 200, 4);
      ExecutorMetrics d = e.metrics().since(before);
      double split = d.node("fast").orElseThrow().tasksDone() / (double) d.node("slow").orElseThrow().tasksDone();
      assertTrue(split > 2.0 && split < 4.0, "split by the learned rates: " + d.nodes());
    } finally {
      stop(procs);
    }
  }

  /** The control command 2 over the job's authenticated endpoint: refused while balancing is off, then the weights. */
  @Test
  void controlCommand2RebalancesOrSaysWhyNot(@TempDir Path jobDir) throws Exception {
    Path nodes = Files.writeString(jobDir.resolve("nodes.dat"), "nodeA:4:a:0:1\nnodeB:4:b:0:3\n");
    byte[] secret = org.jmswk.agent.JobSecret.createIfAbsent(jobDir.resolve("secret"));
    List<Process> procs = new ArrayList<>();
    try (FarmExecutor e = withNodes(List.of(Map.of(FarmExecutor.NODE, "nodeA"), Map.of(FarmExecutor.NODE, "nodeB")), procs);
         var endpoint = org.jmswk.control.ControlEndpoint.open(e, secret,
             org.jmswk.control.ControlSettings.fromEnv(Map.of()), jobDir);
         var client = org.jmswk.control.ControlClient.connect(org.jmswk.control.ControlClient.address(jobDir), secret,
             Duration.ofSeconds(30))) {
      client.send("2");
      var off = client.next(Duration.ofSeconds(30));
      assertEquals("failed", off.path("state").asText(), off.toString());
      assertTrue(off.path("reason").asText().contains("load balancing is off"), off.toString());
      e.balanceByPower(NodeFile.read(nodes));
      client.send("{\"id\":\"lb\",\"command\":\"balance\"}");
      var done = client.next(Duration.ofSeconds(30));
      assertEquals("done", done.path("state").asText(), done.toString());
      assertEquals("lb", done.path("id").asText());
      assertEquals(3.0, done.path("weights").path("nodeB").asDouble(), 1e-9, done.toString());
      assertEquals(1.0, done.path("weights").path("nodeA").asDouble(), 1e-9, done.toString());
    } finally {
      stop(procs);
    }
  }
}
