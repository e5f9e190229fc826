package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slave node killed mid-job (docker kill) under the agent method: the agent's loss is seen,
 * its task is re-run through another node's agent, the job ends with exit 0, and the statistics
 * name the failed node with USE below ALLOC.
 */
class AgentNodeLossClusterTest {
  @TempDir Path jobs;

  @Test
  void jobGoesOnWhenASlaveNodeIsKilled() throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Path.of("../examples/agent/job.sh").toAbsolutePath().normalize();
    String container = "jmswk-job1-" + ProcessHandle.current().pid() + "-node2";
    String out;
    try (Captured c = Captured.start("sub", "-s", "-x", "JMSWK_TASK_SECONDS=2", "--cluster", "docker:3",
        script.toString(), "24")) {
      // once node2's agent has joined (and taken tasks), kill node2
      java.util.regex.Pattern joined = java.util.regex.Pattern.compile("agent \\d+ \\(node node2[^)]*\\) joined");
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!joined.matcher(c.output()).find() && System.nanoTime() < deadline && !c.job().isDone()) Thread.sleep(100);
      assertTrue(joined.matcher(c.output()).find(), c.output());
      Thread.sleep(3000); // node2 is running tasks now
      Process kill = new ProcessBuilder("docker", "kill", container).redirectErrorStream(true).start();
      assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "docker kill " + container);
      int code = c.job().get(180, TimeUnit.SECONDS);
      out = c.output();
      assertEquals(0, code, out);
    }
    assertTrue(out.matches("(?s).*agent \\d+ \\(node node2[^\n]*\\) lost: .*"), "the master saw node2's agent go\n" + out);
    assertTrue(out.contains("master: 24 of 24 tasks delivered the right result"), out);
    assertTrue(out.contains("2 attempt(s)"), "a task of the lost node was re-run\n" + out);
    assertTrue(out.contains("FAILED NODES : node2"), out);
    assertTrue(out.matches("(?s).*\nnode\\s+4\\s+4\\s+3\n.*"), "USE leaves the failed node out\n" + out);
    assertTrue(out.contains("END REASON   : -"), out);
  }
}
