package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C drop-ins (FJMPI_Mswk_*) across nodes on Open MPI 4.1 with recovery mode: the fault
 * program on the head spawns its workers onto node1..node3; each is killed (it SIGKILLs itself
 * at an instant the master chose, since the master cannot signal another node) while idle,
 * while the master receives from it, and while the master waits in accept for it. Every case
 * must report the dead peer within the bound, spawn a replacement, exchange with it, and end
 * with the job alive.
 */
class MswkClusterTest {
  private static Cluster cluster;

  @BeforeAll
  static void startCluster() {
    ClusterTestSupport.requireEngine();
    cluster = Cluster.start(ClusterSpec.defaults().withNodes(3).withSlotsPerNode(4), System.out);
  }

  @AfterAll
  static void removeCluster() {
    if (cluster != null) cluster.close();
  }

  @Test
  void deadWorkersOnOtherNodesAreReportedAndReplaced() {
    ExecResult r = cluster.exec(Cluster.HEAD, Duration.ofMinutes(4), null,
        Map.of("MSWK_FT_SELF_KILL", "1", "MSWK_FT_REPLACE", "1"), System.out,
        List.of("mpirun", "-np", "1", "--hostfile", Cluster.HOSTFILE, "--enable-recovery", "/opt/jmswk/bin/mswk_ft", "all", "3"));
    String out = r.output();
    assertTrue(out.contains("RESULT PASS"), out);
    assertTrue(!out.contains("FAIL"), out);
  }
}
