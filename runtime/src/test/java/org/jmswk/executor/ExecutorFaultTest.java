package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor with spawned Java workers under a real mpirun (--enable-recovery): kills,
 * cancel, a throwing task, a task that kills its worker every time, a worker paused past the
 * liveness bound. Outcomes are counted, never timed.
 */
class ExecutorFaultTest {
  private static MpiRun.Result run(Path log, String... args) {
    MpiRun.Result r = runOnce(log, args);
    if (r.stdout().contains("EVENT worker-start-hung")) {
      // Open MPI 4.1 (PMIx 3) sometimes leaves a child spawned after earlier children died in
      // PMIx_Init for ever (open-mpi/ompi#9713; seen about once in 15 runs under load). The
      // executor bounded it and said so (ReplacementTest checks that); the scenario runs again.
      System.err.println("ExecutorFaultTest: Open MPI's spawn hung (reported by the executor); running again\n" + r.describe());
      try {
        java.nio.file.Files.deleteIfExists(log); // the runs it counted belong to the first attempt
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      r = runOnce(log, args);
    }
    return r;
  }

  private static MpiRun.Result runOnce(Path log, String... args) {
    return MpiRun.main(ExecutorProgram.class, args).slots(32).mpirunArgs("--enable-recovery")
        .jvmOption("-Djmswk.test.log=" + log)
        .env("JMSWK_WORKER_JVM_OPTS", MpiRun.FAST_JVM_OPTS + " -Djmswk.test.log=" + log)
        .env("JMSWK_MSWK_TIMEOUT_MS", "1500")
        .env("JMSWK_WORKER_START_TIMEOUT_S", "30")
        .timeout(Duration.ofSeconds(240)).run();
  }

  private static void assertLine(MpiRun.Result r, String text) {
    assertTrue(r.stdout().contains(text), "expected \"" + text + "\"\n" + r.describe());
  }

  private static long field(MpiRun.Result r, String name) {
    Matcher m = Pattern.compile(" " + name + "=(\\d+)").matcher(r.stdout());
    assertTrue(m.find(), "no " + name + "\n" + r.describe());
    return Long.parseLong(m.group(1));
  }

  @Test
  void tenThousandTasksWithRandomWorkersKilledEachDeliveredOnce(@TempDir Path dir) {
    MpiRun.Result r = run(dir.resolve("log"), "kills", "10000", "4", "6", dir.resolve("log").toString());
    r.assertExitCode(0);
    assertLine(r, "RESULT kills tasks=10000 ok=10000 completions=10000 delivered=10000 doubled=0");
    assertTrue(field(r, "killed") >= 1 && field(r, "lost") >= field(r, "killed"), r.describe());
    assertTrue(field(r, "never-run") == 0, r.describe());
    assertLine(r, "RESULT master finalized");
  }

  @Test
  void aCancelledPendingTaskNeverRuns(@TempDir Path dir) {
    MpiRun.Result r = run(dir.resolve("log"), "cancel", dir.resolve("log").toString());
    r.assertExitCode(0);
    assertLine(r, "RESULT cancel ok=3 cancelled=true cancelled-ran=0");
  }

  @Test
  void aTaskThatThrowsComesBackAsItsFailureNotARetry(@TempDir Path dir) {
    MpiRun.Result r = run(dir.resolve("log"), "throw");
    r.assertExitCode(0);
    assertLine(r, "RESULT throw class=java.lang.IllegalArgumentException message=no such point trace-has-handler=true");
    assertLine(r, "RESULT throw after=FINE lost=0");
  }

  @Test
  void aTaskThatKillsEveryWorkerFailsAfterItsCrashLimit(@TempDir Path dir) {
    MpiRun.Result r = run(dir.resolve("log"), "crash-limit", dir.resolve("log").toString());
    r.assertExitCode(0);
    assertLine(r, "RESULT crash-limit runs=4 after=STILL-FINE");
    assertLine(r, "RESULT crash-limit outcome=TaskLostException: task 0 was running on a worker that died 4 times (crash limit");
  }

  @Test
  void aWorkerPausedPastTheLivenessBoundHasItsLateResultIgnored(@TempDir Path dir) {
    MpiRun.Result r = run(dir.resolve("log"), "sigstop", dir.resolve("log").toString());
    r.assertExitCode(0);
    assertLine(r, "RESULT sigstop value=S completions=1 delivered=1 doubled=0 runs=2 resumed-exited=true");
  }
}
