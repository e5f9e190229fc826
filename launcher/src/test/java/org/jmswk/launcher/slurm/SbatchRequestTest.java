package org.jmswk.launcher.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jmswk.launcher.job.JobScriptParser;
import org.jmswk.launcher.job.JobSpec;
import org.junit.jupiter.api.Test;

/** Job script directives of either dialect as sbatch's argument vector. */
class SbatchRequestTest {
  private static final Path DIR = Path.of("/shared/jobs/7");

  private static List<String> args(boolean mswk, boolean requeue, String... lines) throws Exception {
    JobSpec spec = JobScriptParser.parse("job.sh", List.of(lines), mswk, List.of());
    return new SbatchRequest(spec, "my job; rm -rf /", DIR, Path.of("/work"), requeue, false).arguments();
  }

  @Test
  void aPjmMasterWorkerJobAsksForEverySlotOfEveryNodeAndRequeue() throws Exception {
    List<String> a = args(true, true, "#PJM -L \"node=4\"", "#PJM --mpi \"proc=1\"", "#PJM -L \"elapse=10:00\"");
    assertEquals(List.of("--parsable", "--job-name", "my job; rm -rf /", "--chdir", "/work",
        "--output", "/shared/jobs/7/slurm-%j.out", "--open-mode", "append", "--nodes", "4", "--ntasks-per-node", "1",
        "--time", "0-00:11:00", "--requeue", "--no-kill", "/shared/jobs/7/slurm-batch.sh", "7"), a);
  }

  @Test
  void sbatchDirectivesKeepTheirTaskCountAndANonMasterWorkerJobIsNotRequeuedOrKeptOnNodeLoss() throws Exception {
    List<String> a = args(false, false, "#SBATCH --nodes=2", "#SBATCH --ntasks=6", "#SBATCH --time=1:30:00");
    assertTrue(a.containsAll(List.of("--nodes", "2", "--ntasks", "6", "--no-requeue")), a.toString());
    assertTrue(!a.contains("--ntasks-per-node") && !a.contains("--no-kill"), a.toString());
    assertEquals("0-01:31:00", a.get(a.indexOf("--time") + 1));
  }

  @Test
  void slurmTimeRoundsUpToWholeMinutesAndCountsDays() {
    assertEquals("0-00:01:00", SbatchRequest.slurmTime(Duration.ofSeconds(1)));
    assertEquals("1-02:03:00", SbatchRequest.slurmTime(Duration.ofHours(26).plusMinutes(3)));
  }

  @Test
  void theBatchScriptTakesNothingButTheJobIdFromOutside() {
    assertTrue(SbatchRequest.BATCH_SCRIPT.contains("exec \"$JMSWK_HOME/bin/jmswk\" sub --slurm-run \"$1\""));
  }
}
