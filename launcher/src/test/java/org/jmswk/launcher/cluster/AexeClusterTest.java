package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jmswk aexe on the container cluster: a launch to an unresponsive node times out and the node is listed broken. */
class AexeClusterTest {
  @TempDir Path jobs;

  @Test
  void coordinatesFileLaunchesOnSeveralNodesAtOnce() throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Path.of("../examples/aexe/job.sh").toAbsolutePath().normalize();
    Captured.Run r = Captured.run("sub", "--cluster", "docker:3", script.toString());
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    for (int k = 1; k <= 3; k++) assertTrue(out.contains("worker vpid " + k + ": result " + k * k + " from node" + k), out);
    assertTrue(out.contains("master: 3 of 3 workers delivered the right result"), out);
  }

  @Test
  void launchToAHungNodeTimesOutAndTheNodeIsNotChosenAgain() throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Files.copy(Path.of("src/test/resources/cluster/aexe-dead-node.sh"), jobs.resolve("aexe-dead-node.sh"));
    String node2 = "jmswk-job1-" + ProcessHandle.current().pid() + "-node2";
    String out;
    try (Captured c = Captured.start("sub", "--cluster", "docker:2", script.toString())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!c.output().contains("agents ready") && System.nanoTime() < deadline && !c.job().isDone()) Thread.sleep(100);
      assertTrue(c.output().contains("agents ready"), c.output());
      Process pause = new ProcessBuilder("docker", "pause", node2).redirectErrorStream(true).start();
      assertTrue(pause.waitFor(30, TimeUnit.SECONDS) && pause.exitValue() == 0, "docker pause " + node2);
      Files.createFile(jobs.resolve("1").resolve("go"));
      int code = c.job().get(180, TimeUnit.SECONDS);
      out = c.output();
      assertEquals(0, code, out);
    } finally {
      new ProcessBuilder("docker", "unpause", node2).start().waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(out.contains("aexe node2 exit 3"), "timed out\n" + out);
    assertTrue(out.contains("aexe node2 again exit 4"), "not chosen again\n" + out);
    assertTrue(out.contains("aexe node1 exit 0"), "other nodes still work\n" + out);
    assertTrue(out.contains("broken: rank=2 node=node2"), out);
  }
}
