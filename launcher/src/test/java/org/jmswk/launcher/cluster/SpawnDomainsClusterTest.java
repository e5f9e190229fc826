package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master in the vendor guide's style, in C (examples/spawn-c: MPI_Comm_spawn of a worker per
 * slave node, the port sent over the spawn intercommunicator, then FJMPI_Mswk_accept/connect with
 * plain MPI_Send/MPI_Recv) and in Java through the binding (examples/spawn-java: the same with
 * MPI.COMM_SELF.spawn, Mswk.accept/connect and Comm.send/probe/recv), on the container cluster:
 * libjmswk starts each spawned worker in a failure domain of its own, so a worker's node killed, cut off and restored, or its launcher killed
 * costs only that worker: every task is done exactly once, the job ends 0, and no worker is
 * started on the lost node again; a worker process killed leaves its node in use.
 */
class SpawnDomainsClusterTest {
  private static final int TASKS = 24;

  /** The master's job script, and a pattern for a worker process (not its mpiexec, whose arguments name it too). */
  enum Master {
    C("../examples/spawn-c/job.sh", "^\\S*spawn_domains worker", "one"),
    JAVA("../examples/spawn-java/job.sh", "^\\S*java .*GuideSpawnWorker", "one"),
    /** GuideSpawnMaster spawning all 4 workers in one call (one domain, one world), replacing lost ones one per call. */
    JAVA_ALL_IN_ONE_CALL("../examples/spawn-java/job.sh", "^\\S*java .*GuideSpawnWorker", "all");

    final String script;
    final String worker;
    final String mode;

    Master(String script, String worker, String mode) {
      this.script = script;
      this.worker = worker;
      this.mode = mode;
    }
  }

  @TempDir Path jobs;

  /** Runs the job (4 workers, tasks of 1 s), applies {@code fault} once node2's worker works; returns the output. */
  private String runWithFault(Master master, Consumer<Cluster> fault) throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Path.of(master.script).toAbsolutePath().normalize();
    // a job id no other job on this machine has: launchers without JobProcesses' PID-namespace
    // check end processes with their own job id inside containers too
    int jobId = 1 + ThreadLocalRandom.current().nextInt(100_000, 900_000_000);
    Files.createDirectories(jobs.resolve(Integer.toString(jobId - 1)));
    String clusterName = "jmswk-job" + jobId + "-" + ProcessHandle.current().pid();
    Captured c = Captured.start("sub", "--mswk", "-s", "--cluster", "docker:4", script.toString(), "4",
        Integer.toString(TASKS), "1000", master.mode);
    try (c) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!c.output().contains("worker started on node2") && System.nanoTime() < deadline && !c.job().isDone()) {
        Thread.sleep(100);
      }
      assertTrue(c.output().contains("worker started on node2"), "a worker started on node2\n" + c.output());
      Thread.sleep(2500);
      Cluster cluster = Cluster.attach(clusterName).orElseThrow(() -> new AssertionError("no cluster " + clusterName));
      fault.accept(cluster);
      int code = c.job().get(240, TimeUnit.SECONDS);
      assertEquals(0, code, c.output());
      return c.output();
    } finally {
      ClusterTestSupport.endJob(c, clusterName);
    }
  }

  /** Every task's result once, node2's worker lost and replaced, and (node faults) node2 never used again. */
  private static void assertSurvived(String out, boolean node2Excluded) {
    assertTrue(out.contains("master: " + TASKS + " of " + TASKS + " tasks done"), out);
    List<String> results = out.lines().filter(l -> l.startsWith("result ")).toList();
    assertEquals(TASKS, results.size(), "every task reported exactly once\n" + out);
    assertEquals(TASKS, results.stream().map(l -> l.split(" ")[1]).distinct().count(), out);
    assertTrue(out.matches("(?s).*master: worker \\d+ lost \\(peer dead\\).*"), "a worker lost, told as peer dead\n" + out);
    assertTrue(out.contains("END REASON   : -"), out);
    int excludedAt = out.indexOf("jmswk: node node2 excluded");
    if (node2Excluded) {
      assertTrue(excludedAt >= 0, "node2 excluded\n" + out);
      assertFalse(out.substring(excludedAt).contains("worker started on node2"), "no worker on node2 after its exclusion\n" + out);
      assertTrue(out.contains("FAILED NODES : node2\n"), "node2 and no other node excluded\n" + out);
    } else {
      assertEquals(-1, excludedAt, "a healthy node is not excluded for a worker's death\n" + out);
      assertTrue(out.contains("FAILED NODES : -"), out);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"C", "JAVA"})
  void aKilledWorkerNodeCostsOnlyItsWorker(Master master) throws Exception {
    assertSurvived(runWithFault(master, cluster -> cluster.killNode("node2")), true);
  }

  @ParameterizedTest
  @EnumSource(names = {"C", "JAVA"})
  void aNodeCutOffStaysExcludedWhenTheNetworkComesBack(Master master) throws Exception {
    assertSurvived(runWithFault(master, cluster -> {
      cluster.cutNetwork("node2");
      sleep(8000); // past the 2 s heartbeat bound: the master has moved on
      cluster.restoreNetwork("node2");
    }), true);
  }

  @ParameterizedTest
  @EnumSource(names = {"C", "JAVA"})
  void aKilledLauncherEndsItsWorkerAndExcludesTheNode(Master master) throws Exception {
    assertSurvived(runWithFault(master, cluster -> {
      assertTrue(cluster.killProcess("node2", "^mpiexec", "KILL"), "mpiexec killed on node2");
      sleep(3000);
      ExecResult left = cluster.exec("node2", Duration.ofSeconds(10), "/", Map.of(), null, List.of("pgrep", "-f", master.worker));
      assertEquals(1, left.exitCode(), "no worker left on node2: " + left.output());
    }), true);
  }

  /**
   * Four workers of one spawn call (one mpiexec, headed on node1) and node2 killed: Open MPI 4.1
   * ends the call's other workers with it; the master's next exchange with each fails as peer
   * dead, each is replaced by a spawn of its own on a surviving node, and only node2 (whose
   * worker fell silent) is excluded, not the nodes of the siblings that died with it.
   */
  @Test
  void workersOfOneCallLoseANodeAndAreReplacedOnTheOthers() throws Exception {
    String out = runWithFault(Master.JAVA_ALL_IN_ONE_CALL, cluster -> cluster.killNode("node2"));
    assertTrue(out.contains("master: spawned 4 workers in one call"), out);
    assertSurvived(out, true);
    assertTrue(out.contains("tasks done, 4 workers lost"), "the call's other three workers ended with node2's\n" + out);
    assertEquals(1, out.lines().filter(l -> l.matches("jmswk: node \\S+ excluded.*")).count(), "only node2 excluded\n" + out);
  }

  @ParameterizedTest
  @EnumSource(Master.class)
  void aWorkerProcessThatDiesLeavesItsNodeInUse(Master master) throws Exception {
    String out = runWithFault(master,
        cluster -> assertTrue(cluster.killProcess("node2", master.worker, "KILL"), "worker killed"));
    assertSurvived(out, false);
    assertTrue(out.split("worker started on node2", -1).length - 1 >= 2, "the replacement went to node2 again\n" + out);
    // Open MPI 4.1 ends an mpiexec's job when one of its processes is killed: the call's siblings too
    if (master == Master.JAVA_ALL_IN_ONE_CALL) assertTrue(out.contains("tasks done, 4 workers lost"), out);
  }
}
