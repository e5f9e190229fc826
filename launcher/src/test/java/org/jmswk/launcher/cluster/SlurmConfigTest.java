package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The container cluster's Slurm configuration. */
class SlurmConfigTest {
  @Test
  void slaveNodesFormThePartitionWithTheirSlotsAsCpusAndLostNodesStayDown() {
    String conf = SlurmConfig.slurmConf(3, 2, Map.of("head", "10.0.0.2", "node1", "10.0.0.3", "node2", "10.0.0.4",
        "node3", "10.0.0.5"));
    assertTrue(conf.contains("\nNodeName=node2 NodeAddr=10.0.0.4 CPUs=2 State=UNKNOWN\n"), "addresses, never DNS\n" + conf);
    assertTrue(conf.contains("\nPartitionName=batch Nodes=node[1-3] Default=YES"), conf);
    assertTrue(conf.contains("\nSlurmctldHost=head(10.0.0.2)\n"), conf);
    assertTrue(conf.contains("\nAccountingStorageType=accounting_storage/slurmdbd\n"), conf);
    assertTrue(conf.contains("\nReturnToService=0\n") && conf.contains("\nSlurmdTimeout=10\n"), conf);
    assertTrue(SlurmConfig.slurmConf(1, 1, Map.of()).contains("\nNodeName=node1 CPUs=1 State=UNKNOWN\nPartitionName=batch Nodes=node1 "));
    assertThrows(IllegalArgumentException.class, () -> SlurmConfig.slurmConf(0, 1, Map.of()));
  }

  @Test
  void theAccountingDaemonUsesRootsLocalSocketAndNoPassword() {
    String conf = SlurmConfig.slurmdbdConf();
    assertTrue(conf.contains("StorageType=accounting_storage/mysql\n") && conf.contains("StorageHost=localhost\n"), conf);
    assertTrue(!conf.contains("StoragePass"), conf);
  }

  @Test
  void everyStartGetsItsOwnMungeKey() {
    byte[] a = SlurmConfig.newMungeKey();
    byte[] b = SlurmConfig.newMungeKey();
    assertEquals(1024, a.length);
    assertNotEquals(Arrays.toString(a), Arrays.toString(b));
  }
}
