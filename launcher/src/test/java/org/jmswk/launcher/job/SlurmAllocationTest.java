package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jmswk sub inside a real Slurm allocation (the one-node cluster of ci/slurm-setup): the
 * target is the allocation, its nodes and tasks become the hostfile, and the spawn example's
 * master gets MPI_UNIVERSE_SIZE = the allocated tasks.
 */
class SlurmAllocationTest {
  @TempDir Path jobs;

  private static boolean slurmAnswers() {
    try {
      Process p = new ProcessBuilder("sinfo", "-h").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void spawnJobRunsInsideAnAllocationWithItsTasksAsSlots() throws Exception {
    if (!slurmAnswers()) {
      if (System.getenv("JMSWK_REQUIRE_SLURM") != null) fail("JMSWK_REQUIRE_SLURM is set but Slurm does not answer (ci/slurm-setup)");
      assumeTrue(false, "no Slurm here: run ci/slurm-setup (or set JMSWK_REQUIRE_SLURM=1 to make this a failure)");
    }
    Path script = Path.of("../examples/spawn/job.sh").toAbsolutePath().normalize();
    List<String> cmd = new ArrayList<>(List.of("salloc", "-N1", "-n5", "--time=5",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-Djmswk.jobs.dir=" + jobs, "-cp", System.getProperty("java.class.path"), "org.jmswk.launcher.Jmswk",
        "sub", "--mswk", "-s", script.toString(), "from-slurm"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "salloc did not finish");
    String out = new String(bytes, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("on slurm"), out);
    assertTrue(out.contains("master: on ") && out.contains("universe size 5: spawning 4 workers"), out);
    for (int rank = 0; rank < 4; rank++) assertTrue(out.contains("worker " + rank + "/4 on "), out);
    assertTrue(out.contains("TARGET       : slurm"), out);
    assertTrue(out.matches("(?s).*\\nslot\\s+4\\s+5\\s+5\\n.*"), out);
  }
}
