package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalTargetTest {
  @Test
  void hostfileGivesAllSlotsToThisMachine() {
    assertEquals("localhost slots=5\n", LocalTarget.hostfile(5));
  }

  @Test
  void hostfileRefusesAJobWithoutSlots() {
    var e = assertThrows(IllegalArgumentException.class, () -> LocalTarget.hostfile(0));
    assertTrue(e.getMessage().contains("at least 1 slot"), e.getMessage());
  }

  @Test
  void environmentPointsPlainMpiexecAtTheHostfileOnEitherOpenMpi() {
    Map<String, String> env = LocalTarget.environment(Path.of("/jobs/7/hostfile"), Path.of("/opt/jmswk"));
    assertEquals("/jobs/7/hostfile", env.get("OMPI_MCA_orte_default_hostfile"));
    assertEquals("/jobs/7/hostfile", env.get("PRTE_MCA_prte_default_hostfile"));
    assertEquals("1", env.get("OMPI_MCA_rmaps_base_oversubscribe"));
    assertEquals("lo", env.get("OMPI_MCA_btl_tcp_if_include"));
    assertEquals("/opt/jmswk", env.get("JMSWK_HOME"));
    assertTrue(env.get("PATH").startsWith("/opt/jmswk/bin:"), env.get("PATH"));
  }
}
