package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep example as a real job through the launcher (job script, plain mpiexec, the launch
 * environment's failure isolation): a worker SIGKILLed mid-job costs one attempt, the job ends 0.
 */
class FarmJobTest {
  @TempDir Path jobs;

  @Test
  void aWorkerKilledMidJobDoesNotEndTheJob() throws Exception {
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path script = Path.of("../examples/farm/job.sh").toAbsolutePath().normalize();
    JobSpec spec = JobScriptParser.parse(script.toString(), Files.readAllLines(script), true, List.of());
    Path dir = JobRunner.newJobDir();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Void> killer = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicLong victim = new java.util.concurrent.atomic.AtomicLong();
    JobRunner.Outcome o = JobRunner.run(spec, Launch.local(spec, dir.resolve("hostfile")), script, List.of("400"), dir,
        line -> {
          synchronized (lines) {
            lines.add(line);
          }
          // once every worker is up and points are coming back (so it holds work), SIGKILL one of them
          if (line.contains("worker-started") && line.contains("id=3")) {
            victim.set(Long.parseLong(line.replaceAll(".*pid=(\\d+).*", "$1")));
          }
          if (line.startsWith("x=") && victim.get() > 0 && !killer.isDone()) {
            killer.complete(null);
            ProcessHandle.of(victim.get()).ifPresent(ProcessHandle::destroyForcibly);
          }
        });
    String out = String.join("\n", lines);
    assertEquals(0, o.stats().exitCode(), out);
    assertEquals("-", o.stats().endReason());
    assertTrue(killer.isDone(), out);
    assertTrue(out.contains("master: worker-lost"), out);
    assertTrue(out.contains("master: 400 of 400 points done"), out);
    assertTrue(out.contains("attempts=2"), "the killed worker's point was re-run\n" + out);
    assertTrue(o.survivors().isEmpty(), o.survivors().toString());
  }
}
