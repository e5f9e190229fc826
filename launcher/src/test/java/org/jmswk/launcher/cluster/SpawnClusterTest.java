package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reference spawn flow (SPEC 2.1) across a real multi-node cluster: the master alone on the
 * head, its workers spawned onto node1..node3 by mpirun over ssh.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class SpawnClusterTest {
  private static final int NODES = 3;
  private static final Pattern WORKER_DONE = Pattern.compile("(?m)^worker (\\d+)/(\\d+) on (\\S+): received \"Hello\"$");
  private static final Pattern MASTER_HOST = Pattern.compile("(?m)^master: on (\\S+), universe size (\\d+)");

  private static Cluster cluster;
  private static Path shared;

  @BeforeAll
  static void startCluster() throws IOException {
    ClusterTestSupport.requireEngine();
    shared = Files.createDirectories(Path.of("target", "cluster-jobs").toAbsolutePath());
    cluster = Cluster.start(ClusterSpec.defaults().withNodes(NODES).withShared(shared), System.out);
  }

  @AfterAll
  static void removeCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void spawnedWorkersRunOnTheSlaveNodesNotTheHead() {
    ExecResult result = cluster.mpirunJava(Duration.ofMinutes(2), List.of(), "org.jmswk.examples.spawn.SpawnMaster", System.out);
    assertEquals(0, result.exitCode(), () -> "mpirun exit code; output:\n" + result.output());

    Matcher master = MASTER_HOST.matcher(result.stdout());
    assertTrue(master.find(), () -> "no master line:\n" + result.output());
    assertEquals("head", master.group(1), "the master runs on the head");
    assertEquals(1 + NODES, Integer.parseInt(master.group(2)), "MPI_UNIVERSE_SIZE from the hostfile");

    List<String> hosts = new ArrayList<>();
    Set<Integer> ranks = new TreeSet<>();
    Matcher worker = WORKER_DONE.matcher(result.stdout());
    while (worker.find()) {
      ranks.add(Integer.parseInt(worker.group(1)));
      assertEquals(NODES, Integer.parseInt(worker.group(2)), "worker world size");
      hosts.add(worker.group(3));
    }
    assertEquals(Set.of(0, 1, 2), ranks, () -> "every worker got the message:\n" + result.output());
    assertEquals(Set.copyOf(cluster.nodes()), new TreeSet<>(hosts),
        () -> "workers on node1..node" + NODES + ", one each, none on the head:\n" + result.output());
    assertEquals(NODES, hosts.size());
  }

  @Test
  void theSharedDirectoryIsAtTheSamePathOnEveryNode() throws IOException {
    String token = UUID.randomUUID().toString();
    Path file = shared.resolve("visible-" + token);
    Files.writeString(file, token);
    try {
      for (String host : cluster.hosts()) {
        ExecResult cat = cluster.exec(host, Duration.ofSeconds(30), null, Map.of(), null, List.of("cat", file.toString()));
        assertEquals(token, cat.orThrow("cat on " + host).stdout(), host);
      }
      ExecResult pwd = cluster.exec(Duration.ofSeconds(30), "pwd");
      assertEquals(shared.toString(), pwd.stdout().strip(), "jobs run from the shared directory");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
