package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Jmswk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** jmswk aexe on the container cluster: a launch to an unresponsive node times out and the node is listed broken. */
class AexeClusterTest {
  @TempDir Path jobs;

  @Test
  void coordinatesFileLaunchesOnSeveralNodesAtOnce() throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Path.of("../examples/aexe/job.sh").toAbsolutePath().normalize();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    int code;
    try {
      code = new CommandLine(new Jmswk()).execute("sub", "--cluster", "docker:3", script.toString());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    for (int k = 1; k <= 3; k++) assertTrue(out.contains("worker vpid " + k + ": result " + k * k + " from node" + k), out);
    assertTrue(out.contains("master: 3 of 3 workers delivered the right result"), out);
  }

  @Test
  void launchToAHungNodeTimesOutAndTheNodeIsNotChosenAgain() throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Files.copy(Path.of("src/test/resources/cluster/aexe-dead-node.sh"), jobs.resolve("aexe-dead-node.sh"));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    String node2 = "jmswk-job1-" + ProcessHandle.current().pid() + "-node2";
    System.setOut(both);
    System.setErr(both);
    try {
      CompletableFuture<Integer> job = CompletableFuture.supplyAsync(() -> new CommandLine(new Jmswk()).execute(
          "sub", "--cluster", "docker:2", script.toString()));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!captured.toString(StandardCharsets.UTF_8).contains("agents ready") && System.nanoTime() < deadline
          && !job.isDone()) {
        Thread.sleep(100);
      }
      assertTrue(captured.toString(StandardCharsets.UTF_8).contains("agents ready"), captured.toString(StandardCharsets.UTF_8));
      Process pause = new ProcessBuilder("docker", "pause", node2).redirectErrorStream(true).start();
      assertTrue(pause.waitFor(30, TimeUnit.SECONDS) && pause.exitValue() == 0, "docker pause " + node2);
      Files.createFile(jobs.resolve("1").resolve("go"));
      int code = job.get(180, TimeUnit.SECONDS);
      String out = captured.toString(StandardCharsets.UTF_8);
      assertEquals(0, code, out);
      assertTrue(out.contains("aexe node2 exit 3"), "timed out\n" + out);
      assertTrue(out.contains("aexe node2 again exit 4"), "not chosen again\n" + out);
      assertTrue(out.contains("aexe node1 exit 0"), "other nodes still work\n" + out);
      assertTrue(out.contains("broken: rank=2 node=node2"), out);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
      new ProcessBuilder("docker", "unpause", node2).start().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
