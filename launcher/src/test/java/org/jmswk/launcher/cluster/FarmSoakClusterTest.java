package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: the farm example on a head and six worker nodes for several minutes while random
 * faults hit the nodes that hold workers — a node killed, a node cut off (and reconnected a while
 * later), the node's per-worker mpiexec killed, a worker process killed. The job must finish every
 * point exactly once with exit 0, exclude exactly the nodes hit by the first three kinds (not
 * those that only lost a worker process), and never place a worker on a node after excluding it.
 * JMSWK_SOAK_SEED replays a run's fault sequence.
 */
class FarmSoakClusterTest {
  private static final int WORKER_NODES = 6;
  /** Nodes lost at most (killed, cut, launcher killed): the job keeps at least two worker nodes. */
  private static final int MAX_LOST_NODES = 4;
  private static final int POINTS = 360;
  private static final Pattern STARTED = Pattern.compile("master: worker-started WorkerInfo\\[id=(\\d+), [^\\]]*host=(node\\d+)\\]");
  private static final Pattern LOST = Pattern.compile("master: worker-lost WorkerInfo\\[id=(\\d+), [^\\]]*host=(node\\d+)\\]");
  private static final Pattern EXCLUDED = Pattern.compile("master: node-excluded null (node\\d+)");

  @TempDir Path jobs;

  @Test
  void theJobFinishesAllItsWorkThroughRandomNodeKillsAndCuts() throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    long seed = Long.parseLong(System.getenv().getOrDefault("JMSWK_SOAK_SEED", Long.toString(System.nanoTime())));
    Random random = new Random(seed);
    // the farm example as it is, on more nodes
    Path script = jobs.resolve("soak.sh");
    Files.writeString(script, Files.readString(Path.of("../examples/farm/job.sh"))
        .replace("node=5", "node=" + (WORKER_NODES + 1)).replace("--nodes=5", "--nodes=" + (WORKER_NODES + 1)));
    String clusterName = "jmswk-job1-" + ProcessHandle.current().pid();
    List<String> faults = new ArrayList<>();
    Set<String> lostNodes = new LinkedHashSet<>();
    long started = System.nanoTime();
    PrintStream console = System.out;
    Captured c = Captured.start("sub", "--mswk", "-s", "-x", "JMSWK_TASK_SECONDS=3", "--cluster",
        "docker:" + WORKER_NODES, script.toString(), Integer.toString(POINTS));
    try (c) {
      awaitOutput(c, "host=node" + WORKER_NODES + "]", Duration.ofSeconds(180));
      Cluster cluster = Cluster.attach(clusterName).orElseThrow(() -> new AssertionError("no cluster " + clusterName));
      while (!c.job().isDone()) {
        sleepUntilDone(c, 12_000 + random.nextInt(10_000));
        if (c.job().isDone()) break;
        List<String> holding = nodesHoldingWorkers(c.output(), lostNodes);
        if (holding.isEmpty()) continue;
        String node = holding.get(random.nextInt(holding.size()));
        String kind = pickFault(random, lostNodes.size());
        switch (kind) {
          case "node-kill" -> cluster.killNode(node);
          case "node-cut" -> cluster.cutNetwork(node);
          case "launcher-kill" -> cluster.killProcess(node, "^mpiexec", "KILL");
          default -> cluster.killProcess(node, FarmNodeLossClusterTest.WORKER_JVM, "KILL");
        }
        // only node-level faults exclude a node: a killed launcher on a node that answers does not
        if (kind.startsWith("node-")) lostNodes.add(node);
        faults.add(String.format("%5.1f s %s %s", (System.nanoTime() - started) / 1e9, kind, node));
        if (kind.equals("node-cut")) {
          sleepUntilDone(c, 5_000 + random.nextInt(10_000));
          cluster.restoreNetwork(node); // the job must keep it excluded and end what reappears
        }
      }
      int code = c.job().get(60, TimeUnit.SECONDS);
      String out = c.output();
      String story = "seed " + seed + ", faults:\n" + String.join("\n", faults) + "\n" + out;
      console.println("soak: seed " + seed + ", " + faults.size() + " faults in "
          + Math.round((System.nanoTime() - started) / 1e9) + " s:\n" + String.join("\n", faults));

      assertEquals(0, code, story);
      assertTrue(faults.size() >= 6, "the soak applied several faults\n" + story);
      assertTrue(out.contains("master: " + POINTS + " of " + POINTS + " points done"), story);
      List<String> results = out.lines().filter(l -> l.startsWith("x=")).toList();
      assertEquals(POINTS, results.size(), "every point reported exactly once\n" + story);
      assertEquals(POINTS, results.stream().map(l -> l.substring(0, l.indexOf(' '))).distinct().count(), story);
      assertEquals(lostNodes, new LinkedHashSet<>(excludedInOrder(out)), "exactly the nodes hit by node faults are excluded\n" + story);
      assertNoWorkerStartedOnAnExcludedNode(out, story);
      for (String n : lostNodes) assertTrue(out.matches("(?s).*FAILED NODES : [^\n]*\\b" + n + "\\b.*"), story);
      assertFalse(out.contains("survived"), "nothing of the job outlived it\n" + story);
    } finally {
      ClusterTestSupport.endJob(c, clusterName);
    }
  }

  /** A node fault (kill, cut, its launcher killed) while nodes may still be lost; a worker process killed at any time. */
  private static String pickFault(Random random, int lost) {
    List<String> kinds = new ArrayList<>(List.of("worker-kill"));
    if (lost < MAX_LOST_NODES) kinds.addAll(List.of("node-kill", "node-cut", "launcher-kill"));
    return kinds.get(random.nextInt(kinds.size()));
  }

  /** Nodes with a live worker now, per the master's events, without nodes already lost. */
  private static List<String> nodesHoldingWorkers(String out, Set<String> lost) {
    Map<String, String> live = new HashMap<>();
    for (String line : out.lines().toList()) {
      Matcher s = STARTED.matcher(line);
      if (s.find()) live.put(s.group(1), s.group(2));
      Matcher l = LOST.matcher(line);
      if (l.find()) live.remove(l.group(1));
    }
    return live.values().stream().distinct().filter(n -> !lost.contains(n)).sorted().toList();
  }

  private static List<String> excludedInOrder(String out) {
    List<String> nodes = new ArrayList<>();
    Matcher m = EXCLUDED.matcher(out);
    while (m.find()) nodes.add(m.group(1));
    return nodes;
  }

  private static void assertNoWorkerStartedOnAnExcludedNode(String out, String story) {
    Map<String, Integer> excludedAt = new HashMap<>();
    Matcher e = EXCLUDED.matcher(out);
    while (e.find()) excludedAt.putIfAbsent(e.group(1), e.start());
    Matcher s = STARTED.matcher(out);
    while (s.find()) {
      Integer at = excludedAt.get(s.group(2));
      assertTrue(at == null || s.start() < at, "worker " + s.group(1) + " started on " + s.group(2) + " after its exclusion\n" + story);
    }
  }

  private static void awaitOutput(Captured c, String text, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!c.output().contains(text) && System.nanoTime() < deadline && !c.job().isDone()) Thread.sleep(200);
    assertTrue(c.output().contains(text), "expected \"" + text + "\"\n" + c.output());
  }

  private static void sleepUntilDone(Captured c, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline && !c.job().isDone()) Thread.sleep(200);
  }
}
