package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spawned-style MPI workers (the farm example, TaskFarm + Mswk calls) on the container cluster,
 * each in a failure domain of its own (an mpiexec per worker on its node, joined through the
 * job's ompi-server): a worker's node killed, cut off the network, or its launcher killed, and
 * the job still finishes every task exactly once with exit 0, never using that node again; a
 * worker process killed leaves its node in use; the master's own node lost ends the job with
 * that reason.
 */
class FarmNodeLossClusterTest {
  private static final int POINTS = 30;
  /** A worker's JVM (pkill -f), not its mpiexec, whose arguments name the worker class too. */
  static final String WORKER_JVM = "^\\S*/java .*SweepWorker";
  private static final Pattern STARTED_ON = Pattern.compile("master: worker-started WorkerInfo\\[id=(\\d+), [^\\]]*host=(node\\d)\\]");

  @TempDir Path jobs;

  private record FarmRun(int code, String output) {}

  /**
   * Runs the farm job on a head and 4 nodes; once a worker has started on {@code node} (and
   * {@code settleMs} more), applies {@code fault} to the job's cluster; returns how the job ended.
   */
  private FarmRun runFarm(String node, long settleMs, Consumer<Cluster> fault) throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Path.of("../examples/farm/job.sh").toAbsolutePath().normalize();
    String clusterName = "jmswk-job1-" + ProcessHandle.current().pid();
    Captured c = Captured.start("sub", "--mswk", "-s", "-x", "JMSWK_TASK_SECONDS=1", "--cluster", "docker:4",
        script.toString(), Integer.toString(POINTS));
    try (c) {
      String started = "host=" + node + "]";
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!c.output().contains(started) && System.nanoTime() < deadline && !c.job().isDone()) Thread.sleep(100);
      assertTrue(c.output().contains(started), "a worker started on " + node + "\n" + c.output());
      Thread.sleep(settleMs);
      Cluster cluster = Cluster.attach(clusterName).orElseThrow(() -> new AssertionError("no cluster " + clusterName));
      fault.accept(cluster);
      int code = c.job().get(240, TimeUnit.SECONDS);
      return new FarmRun(code, c.output());
    } finally {
      ClusterTestSupport.endJob(c, clusterName);
    }
  }

  /** Runs the farm job, applies {@code fault} once node2's worker holds a task; the job must end 0. Returns the output. */
  private String runWithFault(Consumer<Cluster> fault) throws Exception {
    FarmRun r = runFarm("node2", 2500, fault);
    assertEquals(0, r.code(), r.output());
    return r.output();
  }

  /** Every point done once, node2's worker lost and its task re-run, node2 never used again. */
  private void assertJobSurvivedNode2(String out, boolean node2Excluded) {
    assertTrue(out.contains("master: " + POINTS + " of " + POINTS + " points done"), out);
    List<String> results = out.lines().filter(l -> l.startsWith("x=")).toList();
    assertEquals(POINTS, results.size(), "every point reported exactly once\n" + out);
    assertEquals(POINTS, results.stream().map(l -> l.substring(0, l.indexOf(' '))).distinct().count(), out);
    assertTrue(out.matches("(?s).*master: worker-lost WorkerInfo\\[[^\\]]*host=node2\\].*"), "node2's worker lost\n" + out);
    assertTrue(results.stream().anyMatch(l -> l.endsWith("attempts=2")), "the lost task was re-run\n" + out);
    assertTrue(out.contains("END REASON   : -"), out);
    if (node2Excluded) {
      int excludedAt = out.indexOf("master: node-excluded null node2");
      assertTrue(excludedAt >= 0, "node2 excluded\n" + out);
      Matcher m = STARTED_ON.matcher(out);
      while (m.find()) {
        assertTrue(m.start() < excludedAt || !m.group(2).equals("node2"), "no worker on node2 after its exclusion\n" + out);
      }
      assertTrue(out.contains("FAILED NODES : node2"), out);
      assertTimelineMarks();
      assertTrue(out.matches("(?s).*\nnode\\s+5\\s+5\\s+4\n.*"), "USE leaves the failed node out\n" + out);
    }
  }

  /** The job's timeline (from its journal) marks node2's exclusion, its worker's loss and the attempt lost with it. */
  private void assertTimelineMarks() {
    try {
      String html = java.nio.file.Files.readString(jobs.resolve("1").resolve("timeline.html"));
      assertTrue(html.contains("<g class=\"mark node-excluded\">") && html.contains("node excluded: node2"),
          "node2's exclusion on the timeline");
      assertTrue(html.contains("<path class=\"mark worker-lost\""), "the worker's loss on the timeline");
      assertTrue(html.contains("<rect class=\"bar lost\""), "the attempt lost with it on the timeline");
    } catch (java.io.IOException e) {
      throw new AssertionError("no timeline in the job directory: " + e.getMessage(), e);
    }
  }

  @Test
  void aKilledWorkerNodeIsExcludedAndItsTaskReRun() throws Exception {
    String out = runWithFault(cluster -> cluster.killNode("node2"));
    assertJobSurvivedNode2(out, true);
  }

  @Test
  void aNodeCutOffStaysExcludedWhenTheNetworkComesBack() throws Exception {
    String out = runWithFault(cluster -> {
      cluster.cutNetwork("node2");
      try {
        Thread.sleep(8000); // well past the 2 s heartbeat bound: the master has moved on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      cluster.restoreNetwork("node2");
    });
    assertJobSurvivedNode2(out, true);
  }

  @Test
  void aKilledLauncherOnTheWorkersNodeEndsOnlyThatWorkerAndLeavesTheAnsweringNodeInUse() throws Exception {
    // the per-worker mpiexec on node2 is that node's launcher (the MPI daemon of its domain)
    String out = runWithFault(cluster -> {
      List<String> before = workerProcesses(cluster);
      assertFalse(before.isEmpty(), "a worker runs on node2");
      assertTrue(cluster.killProcess("node2", "^mpiexec", "KILL"), "mpiexec killed on node2");
      try {
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // its worker lost its launcher and exited by itself (nobody else is left to end it); the
      // node stays in use, so a replacement may already run there under new pids
      List<String> left = workerProcesses(cluster).stream().filter(before::contains).toList();
      assertEquals(List.of(), left, "the worker whose launcher was killed is gone from node2 (before: " + before + ")");
    });
    // node-level evidence only: node2 still answers its ssh probe, so it stays in use
    assertJobSurvivedNode2(out, false);
    assertFalse(out.contains("node-excluded"), "a node that answers is not excluded for its launcher's death\n" + out);
    assertTrue(out.contains("FAILED NODES : -"), out);
  }

  /** The pids on node2 whose command line names the worker (its JVM and its mpiexec). */
  private static List<String> workerProcesses(Cluster cluster) {
    ExecResult r = cluster.exec("node2", Duration.ofSeconds(10), "/", java.util.Map.of(), null, List.of("pgrep", "-f", WORKER_JVM));
    return r.output().lines().map(String::strip).filter(l -> l.matches("\\d+")).toList();
  }

  @Test
  void aWorkerProcessThatDiesLeavesItsNodeInUse() throws Exception {
    String out = runWithFault(cluster -> assertTrue(cluster.killProcess("node2", WORKER_JVM, "KILL"), "worker killed on node2"));
    assertJobSurvivedNode2(out, false);
    assertFalse(out.contains("node-excluded"), "a healthy node is not excluded for a worker's death\n" + out);
    assertTrue(out.contains("FAILED NODES : -"), out);
  }

  @Test
  void losingTheMastersNodeEndsTheJobWithAClearReasonAndLeavesNothingRunning() throws Exception {
    FarmRun r = runFarm("node4", 0, cluster -> cluster.killNode("head")); // workers on every node by then
    String out = r.output();
    assertTrue(r.code() != 0, out);
    assertTrue(out.contains("end reason job master node head lost"), out);
    assertTrue(out.contains("END REASON   : job master node head lost"), out);
    assertFalse(out.contains("survived"), "no worker outlives the job\n" + out);
  }
}
