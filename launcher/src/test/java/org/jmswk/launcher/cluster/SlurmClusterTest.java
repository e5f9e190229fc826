package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jmswk cluster up --slurm}: a real Slurm 22.05 in the container cluster — slurmctld and
 * slurmdbd on the head, slurmd on every slave node, munge with a key made for this start, and
 * accounting that sacct answers.
 */
class SlurmClusterTest {
  private static final ClusterSpec SPEC = ClusterSpec.defaults().withNodes(2).withSlotsPerNode(2).withSlurm(true);
  private static Cluster cluster;

  @BeforeAll
  static void start() {
    ClusterTestSupport.requireEngine();
    cluster = Cluster.start(SPEC, System.out);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  private static ExecResult onHead(String... command) {
    return cluster.exec(Cluster.HEAD, Duration.ofSeconds(60), "/", Map.of(), null, List.of(command));
  }

  @Test
  void everySlaveNodeIsAnIdleSlurmNodeOfThePartition() {
    ExecResult sinfo = onHead("sinfo", "-h", "-N", "-o", "%N %P %c %t").orThrow("sinfo");
    assertEquals(List.of("node1 batch* 2 idle", "node2 batch* 2 idle"), sinfo.stdout().strip().lines().toList(),
        sinfo.output());
    assertTrue(Cluster.attach(cluster.name()).orElseThrow().slurm(), "attach sees the Slurm label");
  }

  @Test
  void aFailingBatchJobIsFailedWithItsExitCodeInSacct() {
    ExecResult sbatch = onHead("sbatch", "--parsable", "--wait", "-N", "2", "--wrap", "hostname; exit 3");
    assertEquals(3, sbatch.exitCode(), sbatch.output());
    String id = sbatch.stdout().strip().lines().findFirst().orElseThrow();
    ExecResult sacct = onHead("sacct", "-a", "-X", "-n", "-P", "-j", id, "-o", "State,ExitCode,AllocNodes").orThrow("sacct");
    assertEquals("FAILED|3:0|2", sacct.stdout().strip(), sacct.output());
  }

  @Test
  void theMungeKeyIsTheSameOnEveryNodeAndNotTheImages() {
    String head = onHead("sha256sum", "/etc/munge/munge.key").orThrow("sha256sum").stdout().split(" ")[0];
    for (String node : cluster.nodes()) {
      ExecResult r = cluster.exec(node, Duration.ofSeconds(20), "/", Map.of(), null,
          List.of("sha256sum", "/etc/munge/munge.key")).orThrow("sha256sum on " + node);
      assertEquals(head, r.stdout().split(" ")[0], node);
    }
    // a fresh container of the image has no key: it is written per start
    Docker docker = Docker.find().orElseThrow();
    ExecResult fresh = docker.run(Duration.ofSeconds(60), "run", "--rm", "--entrypoint", "ls", SPEC.image(),
        "/etc/munge");
    assertTrue(fresh.ok(), fresh.output());
    assertTrue(!fresh.stdout().contains("munge.key"), fresh.output());
  }
}
