package org.jmswk.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master with the job's journal, SIGKILLed at a random point three times and started again
 * each time (same job id), under a real mpirun with spawned workers. The workers log every
 * execution (one file per run, appended with O_APPEND), so executions are counted where they
 * happen. Nothing is timed: the kill points are counts of journalled results.
 */
class ResumeAfterKillTest {
  private static final int TASKS = 10_000;
  private static final Pattern RESULT = Pattern.compile("RESULT resume run=(\\d+) tasks=(\\d+) ok=(\\d+) completions=(\\d+)"
      + " redelivered=(\\d+) executed=(\\d+) doubled=(\\d+) digest=(\\w+)");

  private static ProcessBuilder master(Path jobDir, String jobId, Path log, String journalMode) {
    return MpiRun.main(ResumeProgram.class, Integer.toString(TASKS), "2", jobDir.resolve("master.pid").toString())
        .slots(16).mpirunArgs("--enable-recovery")
        .env("JMSWK_JOB_ID", jobId)
        .env("JMSWK_JOB_DIR", jobDir.toString())
        .env("JMSWK_JOURNAL", journalMode)
        .env("JMSWK_WORKER_JVM_OPTS", MpiRun.FAST_JVM_OPTS + " -Djmswk.test.log=" + log)
        .processBuilder()
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(jobDir.resolve(log.getFileName() + ".out").toFile())
        .redirectError(jobDir.resolve(log.getFileName() + ".err").toFile());
  }

  private static Matcher finish(Process p, Path jobDir, Path log) throws Exception {
    if (!p.waitFor(240, TimeUnit.SECONDS)) {
      MpiRun.killTree(p);
      fail("the run did not end within 240 s\n" + output(jobDir, log));
    }
    String out = Files.readString(jobDir.resolve(log.getFileName() + ".out"));
    Matcher m = RESULT.matcher(out);
    assertTrue(p.exitValue() == 0 && m.find(), "exit " + p.exitValue() + "\n" + output(jobDir, log));
    return m;
  }

  private static String output(Path jobDir, Path log) throws Exception {
    Path out = jobDir.resolve(log.getFileName() + ".out");
    Path err = jobDir.resolve(log.getFileName() + ".err");
    return (Files.exists(out) ? Files.readString(out) : "") + "\n--- stderr\n" + (Files.exists(err) ? Files.readString(err) : "");
  }

  /** The keys whose results are in the journal now (read by a connection of this process). */
  private static Set<String> journalled(Path journal) throws Exception {
    Set<String> keys = new HashSet<>();
    if (!Files.exists(journal)) return keys;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journal);
         Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000");
      try (ResultSet rs = st.executeQuery("SELECT key FROM results")) {
        while (rs.next()) keys.add(rs.getString(1));
      } catch (java.sql.SQLException noTableYet) {
        // the master has not created it yet
      }
    }
    return keys;
  }

  /** Executions per journal key, from one run's worker log ("TEXT pid" lines). */
  private static Map<String, Integer> executions(Path log) throws Exception {
    Map<String, Integer> runs = new HashMap<>();
    if (!Files.exists(log)) return runs;
    for (String line : Files.readAllLines(log)) {
      if (line.isBlank()) continue;
      String text = line.substring(0, line.lastIndexOf(' '));
      int i = Integer.parseInt(text.substring(text.lastIndexOf('k') + 1));
      runs.merge(Journal.key(ResumeProgram.key(i), text.getBytes(StandardCharsets.UTF_8)), 1, Integer::sum);
    }
    return runs;
  }

  @Test
  void aMasterKilledThreeTimesRedoesNoJournalledTaskAndDeliversEachResultOnce(@TempDir Path dir) throws Exception {
    Path reference = Files.createDirectories(dir.resolve("reference"));
    Matcher clean = finish(master(reference, "job-reference", reference.resolve("run1.log"), "fresh").start(), reference,
        reference.resolve("run1.log"));
    assertEquals(Integer.toString(TASKS), clean.group(3), "fault-free run: every result right");
    assertEquals(TASKS, Integer.parseInt(clean.group(6)), "fault-free run: every task executed");

    Path job = Files.createDirectories(dir.resolve("job"));
    Path journal = job.resolve("journal.sqlite");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Set<String> before = Set.of();
    for (int run = 1; run <= 4; run++) {
      Path log = job.resolve("run" + run + ".log");
      Files.deleteIfExists(job.resolve("master.pid"));
      Process p = master(job, "job-resumed", log, "resume").start();
      if (run <= 3) {
        int left = TASKS - before.size();
        int target = before.size() + 200 + random.nextInt(Math.max(1, left / 3));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (journalled(journal).size() < target) {
          if (!p.isAlive()) fail("run " + run + " ended before its kill point " + target + " (seed " + seed + ")\n" + output(job, log));
          if (System.nanoTime() > deadline) {
            MpiRun.killTree(p);
            fail("run " + run + " did not reach " + target + " journalled results\n" + output(job, log));
          }
          Thread.sleep(20);
        }
        long pid = Long.parseLong(Files.readString(job.resolve("master.pid")).strip());
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        if (!p.waitFor(60, TimeUnit.SECONDS)) MpiRun.killTree(p); // the job of a dead master: ended either way
        MpiRun.killTree(p); // and no worker of it outlives it
      } else {
        Matcher m = finish(p, job, log);
        assertEquals(Integer.toString(TASKS), m.group(3), "every result right in the final run (seed " + seed + ")");
        assertEquals(Integer.toString(TASKS), m.group(4), "every future completed once");
        assertEquals("0", m.group(7), "no outcome offered twice");
        assertEquals(before.size(), Integer.parseInt(m.group(5)), "every journalled result re-delivered");
        assertEquals(TASKS - before.size(), Integer.parseInt(m.group(6)), "only the missing tasks ran");
        assertEquals(clean.group(8), m.group(8), "results identical to the fault-free run");
      }
      Map<String, Integer> ran = executions(log);
      for (String k : before) {
        assertEquals(0, ran.getOrDefault(k, 0), "run " + run + " executed " + k + ", journalled before it (seed " + seed + ")");
      }
      for (var e : ran.entrySet()) assertEquals(1, e.getValue(), "run " + run + " executed " + e.getKey() + " twice");
      Set<String> after = journalled(journal);
      assertTrue(after.containsAll(before), "nothing journalled is lost");
      if (run <= 3) assertTrue(after.size() < TASKS, "killed before the end (seed " + seed + ")");
      System.out.printf("run %d: executed %d, journalled %d in all after it%n", run, ran.size(), after.size());
      before = after;
    }
    assertEquals(TASKS, before.size());
    assertEquals(4, rows(journal, "SELECT count(*) FROM runs"));
    assertEquals(TASKS, rows(journal, "SELECT sum(executed) FROM runs"), "each result journalled in exactly one run");
  }

  private static long rows(Path file, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }
}
