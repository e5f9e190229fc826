package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmswk ctl} against a real {@code --mswk} job on this machine (the sweep example on
 * FarmExecutor, spawned workers): statistics, a grow that serves, a refused grow, the monitoring
 * stream, a shrink, and a clean termination, each with a truthful exit status.
 */
class CtlJobTest {
  @TempDir Path root;

  private static String notSweepLines(List<String> lines) {
    synchronized (lines) {
      return String.join("\n", lines.stream().filter(l -> !l.startsWith("x=")).toList());
    }
  }

  private static long started(List<String> lines) {
    synchronized (lines) {
      return lines.stream().filter(l -> l.startsWith("master: worker-started")).count();
    }
  }

  @Test
  void ctlGrowsWatchesShrinksAndTerminatesARunningJob() throws Exception {
    System.setProperty("jmswk.jobs.dir", root.resolve("jobs").toString());
    try {
      Path script = Files.write(root.resolve("sweep.sh"), List.of("#!/bin/bash",
          "#PJM -L \"node=5\"", "#PJM -x JMSWK_TASK_SECONDS=0.05",
          // a loaded 2-core test machine can stall a worker JVM past the default 2 s liveness bound
          "#PJM -x JMSWK_MSWK_TIMEOUT_MS=10000",
          "mpiexec -n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" "
              + "org.jmswk.examples.farm.SweepMaster \"$@\""));
      JobSpec spec = JobScriptParser.parse(script.toString(), Files.readAllLines(script), true, List.of());
      // Job processes are found machine-wide by JMSWK_JOB_ID: a job id no other test's job on this
      // machine is likely to have (they start at 1), so that their end-of-job cleanup spares ours
      Files.createDirectories(root.resolve("jobs").resolve(Integer.toString(100_000 + new java.util.Random().nextInt(800_000))));
      Path dir = JobRunner.newJobDir();
      String id = dir.getFileName().toString();
      List<String> lines = new ArrayList<>();
      // 2 workers of the job's 4 worker slots: room to grow by 2
      CompletableFuture<JobRunner.Outcome> job = CompletableFuture.supplyAsync(() -> {
        try {
          return JobRunner.run(spec, Launch.local(spec, dir.resolve("hostfile")), script, List.of("100000", "2"), dir, line -> {
            synchronized (lines) {
              lines.add(line);
            }
          });
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(dir.resolve("control"))) {
        if (job.isDone()) job.join();
        assertTrue(System.nanoTime() < deadline, "the job publishes its control endpoint: " + lines);
        Thread.sleep(100);
      }

      while (started(lines) < 2) { // both workers serving
        assertTrue(System.nanoTime() < deadline && !job.isDone(), "the job starts its 2 workers: " + lines);
        Thread.sleep(100);
      }
      Captured.Run stats = Captured.run("ctl", id, "3");
      assertEquals(0, stats.exitCode(), stats.output() + notSweepLines(lines));
      assertTrue(stats.output().contains("pool size              2 (started with 2)"), stats.output() + notSweepLines(lines));
      assertTrue(stats.output().contains("slots per node         localhost=4"), stats.output());

      Captured.Run grow = Captured.run("ctl", id, "6:localhost:2");
      assertEquals(0, grow.exitCode(), grow.output() + notSweepLines(lines));
      assertTrue(grow.output().matches("(?s).*c\\d+-1 accepted.*c\\d+-1 done: workers \\d+,\\d+ serving in \\d+ ms; pool size 4.*"), grow.output());

      Captured.Run full = Captured.run("ctl", id, "6:localhost:1");
      assertEquals(1, full.exitCode(), full.output());
      assertTrue(full.output().contains("failed: node localhost has 0 free worker slots (4 slots, 4 workers), not 1"), full.output());

      Captured.Run unknown = Captured.run("ctl", id, "6:node1:1");
      assertEquals(1, unknown.exitCode(), unknown.output());
      assertTrue(unknown.output().contains("unknown node node1 (the job's worker nodes: localhost)"), unknown.output());

      Captured.Run bad = Captured.run("ctl", id, "6:localhost:1:node1:-1");
      assertEquals(2, bad.exitCode(), bad.output());
      assertTrue(bad.output().contains("jmswk ctl: grow/shrink: signs are mixed"), bad.output());

      Captured.Run watch = Captured.run("ctl", id, "watch", "--interval", "300", "--count", "3");
      assertEquals(0, watch.exitCode(), watch.output());
      List<String> samples = watch.output().lines().filter(l -> l.startsWith("{")).toList();
      assertEquals(3, samples.size(), watch.output());
      long done = 0;
      for (String s : samples) {
        JsonNode m = new ObjectMapper().readTree(s);
        assertEquals("monitor", m.path("type").asText());
        assertEquals(4, m.path("pool_size").asInt(), s);
        done += m.path("tasks_done").asLong();
      }
      assertTrue(done > 0, "the pool works while watched: " + samples);

      Captured.Run line = Captured.run("ctl", id, "watch", "--format", "line", "--interval", "200", "--count", "1");
      assertEquals(0, line.exitCode(), line.output());
      assertTrue(line.output().matches("(?s).*tasks \\d+ comp [\\d.]+ comm [\\d.]+ io - size 4 queued \\d+ failed \\d+.*"), line.output());

      Captured.Run shrink = Captured.run("ctl", id, "--json", "6:localhost:-1");
      assertEquals(0, shrink.exitCode(), shrink.output());
      assertTrue(shrink.output().contains("\"state\":\"done\"") && shrink.output().contains("\"pool_size\":3"), shrink.output());

      Captured.Run end = Captured.run("ctl", id, "5");
      assertEquals(0, end.exitCode(), end.output());
      JobRunner.Outcome o = job.get(120, TimeUnit.SECONDS);
      String out = String.join("\n", lines);
      assertTrue(out.contains("the job was terminated by control command 5"), out);
      assertTrue(o.survivors().isEmpty(), o.survivors().toString());
      assertTrue(!Files.exists(dir.resolve("control")), "the endpoint's address is removed when the executor closes");

      Captured.Run gone = Captured.run("ctl", id, "3");
      assertEquals(4, gone.exitCode(), gone.output());
      assertTrue(gone.output().contains("has no control endpoint"), gone.output());
    } finally {
      System.clearProperty("jmswk.jobs.dir");
    }
  }
}
