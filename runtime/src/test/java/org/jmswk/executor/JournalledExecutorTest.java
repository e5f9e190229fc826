package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jmswk.journal.Journal;
import org.jmswk.journal.JournalException;
import org.jmswk.journal.JournalSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor with a journal attached, workers as plain processes logging every execution (inputs of 8 bytes are squared, not logged: avoid them). */
class JournalledExecutorTest {
  private static FarmExecutor withWorkers(Journal j, int n, Path log, List<Process> procs) throws Exception {
    FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(n).withListener(j));
    for (int i = 0; i < n; i++) procs.add(LocalWorkers.start(e, i, ExecutorTestWorker.class, Map.of("jmswk.test.log", log.toString())));
    assertTrue(e.awaitWorkers(n, Duration.ofSeconds(60)), "workers connected");
    return e;
  }

  private static void stop(List<Process> procs) throws InterruptedException {
    for (Process p : procs) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  @Test
  void aSecondRunGetsJournalledOutcomesWithoutRunningThemAndRunsTheRest(@TempDir Path dir) throws Exception {
    JournalSettings settings = new JournalSettings(dir.resolve("journal.sqlite"), "job-7", false, true, -1);
    Path log1 = dir.resolve("run1.log");
    List<Process> procs = new ArrayList<>();
    try (Journal j = Journal.open(settings); FarmExecutor e = withWorkers(j, 2, log1, procs)) {
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 200; i++) fs.add(e.submit("key" + i, "task number " + i, Codec.UTF8, Codec.UTF8));
      for (CompletableFuture<String> f : fs) f.get(60, TimeUnit.SECONDS);
      List<CompletableFuture<String>> unkeyed = e.invokeAll(List.of("free a", "free b"), Codec.UTF8, Codec.UTF8);
      for (CompletableFuture<String> f : unkeyed) f.get(60, TimeUnit.SECONDS);
      assertInstanceOf(RemoteTaskException.class, catchCause(e.submit("bad", "throw:no such point", Codec.UTF8, Codec.UTF8)));
    } finally {
      stop(procs);
    }
    assertEquals(203, ExecutorProgram.runs(log1).values().stream().mapToInt(Integer::intValue).sum());

    Path log2 = dir.resolve("run2.log");
    procs.clear();
    try (Journal j = Journal.open(settings); FarmExecutor e = withWorkers(j, 2, log2, procs)) {
      assertEquals(2, j.run());
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 300; i++) fs.add(e.submit("key" + i, "task number " + i, Codec.UTF8, Codec.UTF8));
      for (int i = 0; i < 200; i++) assertTrue(fs.get(i).isDone(), "a journalled task completes at submit");
      for (int i = 0; i < 300; i++) assertEquals("TASK NUMBER " + i, fs.get(i).get(60, TimeUnit.SECONDS));
      List<CompletableFuture<String>> unkeyed = e.invokeAll(List.of("free a", "free c"), Codec.UTF8, Codec.UTF8);
      assertEquals("FREE A", unkeyed.get(0).get(60, TimeUnit.SECONDS));
      assertEquals("FREE C", unkeyed.get(1).get(60, TimeUnit.SECONDS));
      RemoteTaskException again = assertInstanceOf(RemoteTaskException.class,
          catchCause(e.submit("bad", "throw:no such point", Codec.UTF8, Codec.UTF8)));
      assertEquals("no such point", again.remoteMessage());
      assertEquals(202, j.redelivered());
    } finally {
      stop(procs);
    }
    Map<String, Integer> ran = ExecutorProgram.runs(log2);
    assertEquals(101, ran.values().stream().mapToInt(Integer::intValue).sum(), "only the 100 new tasks and 'free c' ran: " + ran.keySet());
    assertTrue(ran.containsKey("task number 250") && ran.containsKey("free c") && !ran.containsKey("task number 10") && !ran.containsKey("free a"));
  }

  @Test
  void everyAttemptIsJournalledWithItsWorkerAndTimesAndALostOneAsLost(@TempDir Path dir) throws Exception {
    JournalSettings settings = new JournalSettings(dir.resolve("journal.sqlite"), "job-9", false, true, -1);
    List<Process> procs = new ArrayList<>();
    long before = System.currentTimeMillis() * 1000;
    try (Journal j = Journal.open(settings); FarmExecutor e = withWorkers(j, 3, dir.resolve("log"), procs)) {
      // first, so that it is the first task its worker runs: a worker that dies charges the crash to the
      // first task it holds (one it finished but had not reported yet would take the blame)
      CompletableFuture<String> once = e.submit("once", "dieonce:" + dir.resolve("died") + ":back", Codec.UTF8, Codec.UTF8);
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 30; i++) fs.add(e.submit("k" + i, "sleep:20:point " + i, Codec.UTF8, Codec.UTF8));
      CompletableFuture<String> bad = e.submit("bad", "throw:no such point", Codec.UTF8, Codec.UTF8);
      for (CompletableFuture<String> f : fs) f.get(60, TimeUnit.SECONDS);
      assertEquals("BACK", once.get(60, TimeUnit.SECONDS), "re-run on another worker after its first one died");
      assertInstanceOf(RemoteTaskException.class, catchCause(bad));
    } finally {
      stop(procs);
    }
    long after = System.currentTimeMillis() * 1000;
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + settings.file()); var st = c.createStatement()) {
      var rs = st.executeQuery("SELECT count(*), min(started_us), max(ended_us), count(DISTINCT worker),"
          + " min(ended_us - started_us) FROM results WHERE key LIKE 'k%'");
      rs.next();
      assertEquals(30, rs.getLong(1));
      assertTrue(rs.getLong(2) >= before && rs.getLong(3) <= after, "attempt times are wall-clock micros of this test");
      assertTrue(rs.getInt(4) >= 2, "the points ran on several workers: " + rs.getInt(4));
      assertTrue(rs.getLong(5) >= 19_000, "a 20 ms task takes 20 ms on the timeline: " + rs.getLong(5));
      rs = st.executeQuery("SELECT attempt, worker FROM results WHERE key = 'once'");
      rs.next();
      assertEquals(2, rs.getInt(1), "the re-run is attempt 2");
      int secondWorker = rs.getInt(2);
      rs = st.executeQuery("SELECT attempt, worker, at_us - started_us FROM events WHERE kind = 'attempt-lost' AND key = 'once'");
      assertTrue(rs.next(), "the lost attempt is journalled");
      assertEquals(1, rs.getInt(1));
      assertTrue(rs.getInt(2) != secondWorker, "lost on another worker than the one that finished it");
      assertTrue(rs.getLong(3) >= 0);
      int lostWorker = rs.getInt(2);
      rs = st.executeQuery("SELECT count(*) FROM events WHERE kind = 'worker-lost' AND worker = " + lostWorker);
      rs.next();
      assertEquals(1, rs.getInt(1), "the worker's loss is journalled");
      rs = st.executeQuery("SELECT count(DISTINCT worker) FROM events WHERE kind = 'worker-started'");
      rs.next();
      assertEquals(3, rs.getInt(1));
      rs = st.executeQuery("SELECT count(*) FROM results WHERE key = 'bad' AND failure_class IS NOT NULL AND started_us > 0");
      rs.next();
      assertEquals(1, rs.getInt(1), "a failed attempt is journalled with its times");
    }
  }

  private static Throwable catchCause(CompletableFuture<?> f) throws Exception {
    try {
      f.get(60, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException x) {
      return x.getCause();
    }
  }

  @Test
  void aFullDiskFailsTheTasksWhoseResultsCouldNotBeJournalledWithAClearError(@TempDir Path dir) throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("small"));
    Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()).inheritIO().start();
    assertTrue(m.waitFor(20, TimeUnit.SECONDS) && m.exitValue() == 0, "mount a 1 MiB tmpfs (the test runs as root)");
    List<Process> procs = new ArrayList<>();
    try {
      Journal j = Journal.open(new JournalSettings(mnt.resolve("journal.sqlite"), "job-8", false, true, -1));
      try (FarmExecutor e = withWorkers(j, 1, dir.resolve("log"), procs)) {
        Throwable failure = null;
        int ok = 0;
        for (int i = 0; i < 100 && failure == null; i++) {
          failure = catchCause(e.submit("big" + i, i + "x".repeat(30_000), Codec.UTF8, Codec.UTF8));
          if (failure == null) ok++;
        }
        assertNotNull(failure, "1 MiB filled up");
        JournalException full = assertInstanceOf(JournalException.class, failure);
        assertTrue(full.getMessage().contains("the disk is full (SQLITE_FULL)"), full.getMessage());
        assertTrue(ok >= 1, "results before the disk filled were delivered: " + ok);
        assertEquals("STILL", e.submit("still", Codec.UTF8, Codec.UTF8).get(60, TimeUnit.SECONDS).substring(0, 5),
            "the executor goes on (a small result may still fit)");
      } catch (ExecutionException stillFull) {
        assertInstanceOf(JournalException.class, stillFull.getCause());
      } finally {
        try {
          j.close();
        } catch (JournalException closing) {
          assertTrue(closing.getMessage().contains("disk is full"), closing.getMessage());
        }
      }
    } finally {
      stop(procs);
      new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor(20, TimeUnit.SECONDS);
    }
  }
}
