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

  private static void requireSlurm() {
    if (!slurmAnswers()) {
      if (System.getenv("JMSWK_REQUIRE_SLURM") != null) fail("JMSWK_REQUIRE_SLURM is set but Slurm does not answer (ci/slurm-setup)");
      assumeTrue(false, "no Slurm here: run ci/slurm-setup (or set JMSWK_REQUIRE_SLURM=1 to make this a failure)");
    }
  }

  /** {@code salloc -N1 -nTASKS jmswk sub --mswk -s SCRIPT ARGS}: its exit status and output. */
  private record Run(int exitCode, String output) {}

  private Run sallocSub(int tasks, Path script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("salloc", "-N1", "-n" + tasks, "--time=5",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-Djmswk.jobs.dir=" + jobs, "-cp", System.getProperty("java.class.path"), "org.jmswk.launcher.Jmswk",
        "sub", "--mswk", "-s", script.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "salloc did not finish");
    return new Run(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
  }

  @Test
  void aPlainMpiexecStartsOneMasterAndTheJobExitsWithItsStatus() throws Exception {
    requireSlurm();
    Path script = java.nio.file.Files.write(jobs.resolve("status.sh"), List.of("#!/bin/bash", "#SBATCH -N 1", "#SBATCH -n 4",
        "mpiexec sh -c 'echo \"static $OMPI_COMM_WORLD_RANK of $OMPI_COMM_WORLD_SIZE, universe $OMPI_UNIVERSE_SIZE\"'",
        "mpiexec sh -c 'exit 3'"));
    Run r = sallocSub(4, script);
    assertEquals(3, r.exitCode(), r.output());
    assertTrue(r.output().contains("static 0 of 1, universe 4"), r.output());
    assertTrue(r.output().contains("EXIT CODE    : 3"), r.output());
  }

  @Test
  void spawnJobRunsInsideAnAllocationWithItsTasksAsSlots() throws Exception {
    requireSlurm();
    Path script = Path.of("../examples/spawn/job.sh").toAbsolutePath().normalize();
    Run r = sallocSub(5, script, "from-slurm");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(out.contains("on slurm"), out);
    assertTrue(out.contains("master: on ") && out.contains("universe size 5: spawning 4 workers"), out);
    for (int rank = 0; rank < 4; rank++) assertTrue(out.contains("worker " + rank + "/4 on "), out);
    assertTrue(out.contains("TARGET       : slurm"), out);
    assertTrue(out.matches("(?s).*\\nslot\\s+4\\s+5\\s+5\\n.*"), out);
  }

  @Test
  void theMastersDeadlineIsTheAllocationsEndWhenThatComesFirst() throws Exception {
    requireSlurm();
    Path script = java.nio.file.Files.write(jobs.resolve("deadline.sh"), List.of("#!/bin/bash", "#SBATCH -N 1",
        "#SBATCH -n 2", "#SBATCH --time=60",
        "mpiexec sh -c 'echo \"deadline $JMSWK_TIME_LIMIT_AT lead $JMSWK_TIME_LIMIT_LEAD_S\"'"));
    long before = System.currentTimeMillis();
    Run r = sallocSub(2, script);
    assertEquals(0, r.exitCode(), r.output());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("deadline (\\d+) lead (\\d+)").matcher(r.output());
    assertTrue(m.find(), r.output());
    long in = Long.parseLong(m.group(1)) - before;
    assertTrue(in > 0 && in <= 5 * 60_000 + 5_000, "the allocation's 5 minutes, not the script's hour: " + in + " ms");
    assertEquals("60", m.group(2), "60 s before it");
  }
}
