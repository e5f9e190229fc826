package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real job script processes: limits, leftovers, environment and statistics. */
class JobRunnerTest {
  @TempDir Path jobs;

  @BeforeEach
  void useTemporaryJobsDir() {
    System.setProperty("jmswk.jobs.dir", jobs.toString());
  }

  private JobRunner.Outcome run(String... scriptLines) throws Exception {
    Path script = Files.write(jobs.resolve("job-" + System.nanoTime() + ".sh"), List.of(scriptLines));
    JobSpec spec = JobScriptParser.parse(script.toString(), List.of(scriptLines), true, List.of());
    Path dir = JobRunner.newJobDir();
    return JobRunner.run(spec, Launch.local(spec, dir.resolve("hostfile")), script, List.of("arg1"), dir, null);
  }

  @Test
  void normalEndGivesExitCodeDashReasonAndStatisticsFiles() throws Exception {
    JobRunner.Outcome o = run("#PJM -L node=3", "#PJM -x GREETING=hi", "echo \"$GREETING $1 $JMSWK_JOB_ID\"",
        "cat \"$OMPI_MCA_orte_default_hostfile\"", "echo \"$OMPI_MCA_mca_base_env_list\"");
    assertEquals(0, o.stats().exitCode());
    assertEquals("-", o.stats().endReason());
    String id = o.stats().jobId();
    assertEquals("hi arg1 " + id, o.output().getFirst());
    assertEquals("localhost slots=3", o.output().get(1));
    assertEquals("JMSWK_JOB_ID;JMSWK_JOB_DIR;GREETING;JMSWK_TIME_LIMIT_AT;JMSWK_TIME_LIMIT_LEAD_S", o.output().get(2),
        "what mpiexec forwards to other nodes");
    assertEquals(3, o.stats().require().nodes());
    assertEquals(1, o.stats().alloc().nodes());
    assertTrue(Files.readString(o.jobDir().resolve("stats.json")).contains("\"end_reason\": \"-\""));
    assertTrue(Files.readString(o.jobDir().resolve("output.txt")).startsWith("hi arg1"));
    assertTrue(Files.readString(o.jobDir().resolve("job.properties")).contains("state=END"));
  }

  @Test
  void outputDirectivesPutTheOutputWhereTheScriptSaysAndKeepTheCopy() throws Exception {
    JobRunner.Outcome o = run("#PJM -o " + jobs + "/out.%j.txt", "#PJM -e " + jobs + "/err.txt",
        "echo to-stdout", "echo to-stderr >&2");
    String id = o.stats().jobId();
    assertEquals(List.of("to-stdout"), Files.readAllLines(jobs.resolve("out." + id + ".txt")));
    assertEquals(List.of("to-stderr"), Files.readAllLines(jobs.resolve("err.txt")));
    String kept = Files.readString(o.jobDir().resolve("output.txt"));
    assertTrue(kept.contains("to-stdout") && kept.contains("to-stderr"), kept);
    JobRunner.Outcome joined = run("#SBATCH --output=" + jobs + "/slurm-%j.out", "echo a", "echo b >&2");
    assertEquals(java.util.Set.of("a", "b"),
        java.util.Set.copyOf(Files.readAllLines(jobs.resolve("slurm-" + joined.stats().jobId() + ".out"))));
    assertEquals(Path.of("/sub/dir/o.7.x.txt"), JobOutput.resolve("o.%j.%x.txt", Path.of("/sub/dir"), "7", "x"));
  }

  @Test
  void cpusPerTaskAndMemAreTheStatisticsRequire() throws Exception {
    JobRunner.Outcome o = run("#SBATCH -N 2", "#SBATCH -n 6", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=1G", "true");
    assertEquals(new JobStats.Resources(2, 6, 12, 2048), o.stats().require());
    assertEquals(6, o.stats().alloc().slots(), "universe = the tasks");
  }

  @Test
  void scriptExitCodeIsTheJobsExitCode() throws Exception {
    assertEquals(3, run("exit 3").stats().exitCode());
  }

  @Test
  void elapseLimitEndsTheJobAndSaysSo() throws Exception {
    long t0 = System.nanoTime();
    JobRunner.Outcome o = run("#PJM -L elapse=2", "sleep 120");
    assertTrue((System.nanoTime() - t0) / 1e9 < 60, "the limit did not end the job");
    assertEquals(137, o.stats().exitCode());
    assertTrue(o.stats().endReason().startsWith("elapse limit exceeded"), o.stats().endReason());
    assertTrue(o.survivors().isEmpty(), o.survivors().toString());
  }

  @Test
  void processesLeftRunningAreEndedWhenTheScriptEnds() throws Exception {
    JobRunner.Outcome o = run("setsid sleep 300 >/dev/null 2>&1 < /dev/null &", "nohup sleep 301 >/dev/null 2>&1 &",
        "sleep 0.5", "echo started");
    assertEquals(0, o.stats().exitCode());
    assertEquals(2, o.leftovers().size(), o.leftovers().toString());
    assertTrue(o.survivors().isEmpty(), o.survivors().toString());
    for (String where : o.leftovers()) {
      long pid = Long.parseLong(where.substring(where.indexOf(':') + 1));
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
    }
  }

  @Test
  void stoppingTheLauncherEndsTheJob() throws Exception {
    Path script = Files.write(jobs.resolve("forever.sh"), List.of("echo started", "sleep 600", "echo never"));
    Process launcher = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Djmswk.jobs.dir=" + jobs, "-cp", System.getProperty("java.class.path"),
        "org.jmswk.launcher.Jmswk", "sub", script.toString()).redirectErrorStream(true).start();
    var out = new java.io.BufferedReader(new java.io.InputStreamReader(launcher.getInputStream()));
    for (String line = out.readLine(); !"started".equals(line); line = out.readLine()) {
      assertTrue(line != null, "the job script did not start");
    }
    String jobId;
    try (var dirs = Files.list(jobs)) {
      jobId = dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).findFirst().orElseThrow();
    }
    assertFalse(JobProcesses.find(jobId).isEmpty(), "the job runs");
    launcher.destroy(); // SIGTERM, as Ctrl-C or a scheduler would
    assertTrue(launcher.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!JobProcesses.find(jobId).isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
    assertTrue(JobProcesses.find(jobId).isEmpty(), "the job's processes outlived the launcher");
  }

  @Test
  void jobIdsCountUp() throws IOException {
    Path a = JobRunner.newJobDir();
    Path b = JobRunner.newJobDir();
    assertEquals(Integer.parseInt(a.getFileName().toString()) + 1, Integer.parseInt(b.getFileName().toString()));
  }
}
