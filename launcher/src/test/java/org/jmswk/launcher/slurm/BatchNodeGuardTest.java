package org.jmswk.launcher.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard that requeues a --no-kill job whose batch node is lost. */
class BatchNodeGuardTest {
  @Test
  void oneLoopPerOtherNodeAsAnOverlappingStepThatSurvivesNodeLoss() {
    List<String> argv = BatchNodeGuard.command("17", "node3", 4);
    assertEquals(List.of("srun", "--overlap", "--no-kill", "--job-name", "jmswk-guard", "--nodes", "3",
        "--ntasks-per-node", "1", "--ntasks", "3", "--exclude", "node3", "--output", "/dev/null", "--error", "/dev/null",
        "sh", "-c", BatchNodeGuard.LOOP, "jmswk-guard", "17", "node3"), argv);
  }

  @Test
  void nothingToGuardOnOneNodeAndNoStrangeJobIds() {
    assertNull(BatchNodeGuard.start("17", "node1", 1));
    assertThrows(IllegalArgumentException.class, () -> BatchNodeGuard.command("17;reboot", "node1", 2));
  }
}
