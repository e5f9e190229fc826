package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmswk.launcher.Captured;
import org.jmswk.launcher.job.JobRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmswk sub --cluster docker}: a job script run on a container cluster started for it. */
class SubOnClusterTest {
  @TempDir static Path jobs;

  @BeforeAll
  static void engine() {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
  }

  private static Captured.Run sub(String... args) {
    return Captured.run(args);
  }

  @Test
  void spawnJobPlacesTheMasterOnTheHeadAndWorkersOnTheOtherNodes() throws Exception {
    Path script = Path.of("../examples/spawn/job.sh").toAbsolutePath().normalize();
    Captured.Run r = sub("sub", "--mswk", "-s", "--cluster", "docker", script.toString(), "Ahoy");
    String all = r.output();
    assertEquals(0, r.exitCode(), all);
    assertTrue(all.contains("master: on head, universe size 4"), all);
    for (int rank = 0; rank < 3; rank++) {
      assertTrue(all.matches("(?s).*worker " + rank + "/3 on node[1-3]: received \"Ahoy\".*"), all);
    }
    assertTrue(all.contains("TARGET       : docker"), all);
    assertTrue(all.matches("(?s).*node\\s+4\\s+4\\s+4\\n.*"), all);
    assertTrue(all.contains("nothing left running"), all);
  }

  @Test
  void processesLeftOnOtherNodesAreEndedWithTheJob() throws Exception {
    // The script leaves a process on node2 (started over ssh, detached) and ends.
    Path script = Files.writeString(jobs.resolve("leave-behind.sh"), String.join("\n", List.of(
        "#!/bin/bash",
        "#PJM -L node=3",
        "ssh node2 env JMSWK_JOB_ID=$JMSWK_JOB_ID setsid sleep 600 '</dev/null' '>/dev/null' '2>&1' '&'",
        "sleep 1",
        "echo left one behind")) + "\n");
    Captured.Run r = sub("sub", "--cluster", "docker:2", script.toString());
    String all = r.output();
    assertEquals(0, r.exitCode(), all);
    assertTrue(all.contains("left one behind"), all);
    assertTrue(all.contains("ended 1 leftover processes"), all);
    assertTrue(!all.contains("survived"), all);
  }

  @Test
  void losingTheMastersNodeEndsTheJobWithAClearReason() throws Exception {
    Path script = Files.writeString(jobs.resolve("long.sh"), "#PJM -L node=2\necho running\nsleep 300\n");
    java.util.concurrent.CompletableFuture<Captured.Run> job =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> sub("sub", "--cluster", "docker:1", script.toString()));
    // the job's cluster is named after its job id and this JVM: find its head once it runs
    String head = null;
    for (int i = 0; i < 600 && head == null; i++) {
      Thread.sleep(100);
      Process ps = new ProcessBuilder("docker", "ps", "--format", "{{.Names}}").start();
      String names = new String(ps.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      ps.waitFor();
      head = names.lines().filter(n -> n.matches("jmswk-job\\d+-" + ProcessHandle.current().pid() + "-head"))
          .findFirst().orElse(null);
    }
    assertTrue(head != null, "the job's cluster did not start");
    Thread.sleep(3000);
    new ProcessBuilder("docker", "kill", head).start().waitFor();
    Captured.Run r = job.get(120, java.util.concurrent.TimeUnit.SECONDS);
    String all = r.output();
    assertTrue(r.exitCode() != 0, all);
    assertTrue(all.contains("end reason job master node head lost"), all);
  }

  @Test
  void aJobAskingForMoreNodesThanTheClusterHasIsRefused() throws Exception {
    Path script = Files.writeString(jobs.resolve("big.sh"), "#PJM -L node=4\necho never\n");
    Captured.Run r = sub("sub", "--cluster", "docker:1", script.toString());
    assertEquals(2, r.exitCode(), r.output());
    assertTrue(r.output().contains("asks for 4 nodes, the cluster has 2"), r.output());
    assertTrue(r.output().lines().noneMatch("never"::equals), "the job did not run\n" + r.output());
    assertTrue(JobRunner.jobsRoot().toFile().exists());
  }
}
