package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness's own fault injection does what it says, and close() leaves nothing behind. */
@TestMethodOrder(MethodOrderer.MethodName.class) // zzKillNode last
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterFaultTest {
  private static Cluster cluster;

  @BeforeAll
  static void startCluster() {
    ClusterTestSupport.requireEngine();
    cluster = Cluster.start(ClusterSpec.defaults().withNodes(3), System.out);
  }

  @AfterAll
  static void removeCluster() {
    if (cluster == null) return;
    String name = cluster.name();
    cluster.close();
    assertFalse(Cluster.list().contains(name), "close() removed every container");
    assertFalse(Cluster.remove(name), "and the network");
  }

  /** ssh from the head to {@code host}: reachable within 4 s? */
  private static boolean reachable(String host) {
    return cluster.exec(Cluster.HEAD, Duration.ofSeconds(4), "/", Map.of(), null,
        List.of("ssh", "-o", "ConnectTimeout=3", host, "true")).ok();
  }

  @Test
  void killProcessByPattern() {
    cluster.exec("node1", Duration.ofSeconds(10), "/", Map.of(), null,
        List.of("bash", "-c", "sleep 987 >/dev/null 2>&1 &")).orThrow("background sleep");
    assertTrue(cluster.killProcess("node1", "^sleep 987$", "KILL"), "matched the sleep");
    assertFalse(cluster.killProcess("node1", "^sleep 987$", "KILL"), "and it is gone");
  }

  @Test
  void firewallCutAndRestore() {
    assertTrue(reachable("node2"));
    cluster.cutNetwork("node2", Cluster.NetworkCut.FIREWALL);
    try {
      assertFalse(reachable("node2"), "cut off");
      assertTrue(reachable("node3"), "the others are not");
    } finally {
      cluster.restoreNetwork("node2");
    }
    assertTrue(reachable("node2"), "restored");
  }

  @Test
  void disconnectAndReconnectKeepsTheAddress() {
    String before = cluster.address("node3");
    cluster.cutNetwork("node3", Cluster.NetworkCut.DISCONNECT);
    try {
      assertFalse(reachable("node3"), "disconnected");
    } finally {
      cluster.restoreNetwork("node3");
    }
    assertTrue(reachable("node3"), "reconnected");
    ExecResult ip = cluster.exec("node3", Duration.ofSeconds(10), "/", Map.of(), null, List.of("hostname", "-I"));
    assertEquals(before, ip.orThrow("hostname -I").stdout().strip());
  }

  @Test
  void pauseAndUnpause() {
    cluster.pause("node1");
    try {
      assertFalse(cluster.isRunning("node1"));
      assertFalse(reachable("node1"), "a frozen node does not answer");
    } finally {
      cluster.unpause("node1");
    }
    assertTrue(reachable("node1"));
  }

  @Test
  void zzKillNode() {
    cluster.killNode("node3");
    assertFalse(cluster.isRunning("node3"));
    assertEquals("exited", cluster.states().get("node3"));
    assertTrue(reachable("node1"), "the rest of the cluster lives on");
  }
}
