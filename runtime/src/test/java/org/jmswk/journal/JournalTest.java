package org.jmswk.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmswk.executor.ExecutorListener.Outcome;
import org.jmswk.executor.RemoteTaskException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file on its own: resume, whose journal it is, a torn tail, a damaged file, a full disk. */
class JournalTest {
  private long nextId;

  private static Journal open(Path file, String job) {
    return Journal.open(new JournalSettings(file, job, false, true, -1));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Submits KEY (null: by input) and journals OUTPUT for it, as the executor would. */
  private void complete(Journal j, String key, String input, byte[] output) {
    long id = nextId++;
    assertNull(j.recall(key, utf8(input)));
    j.submitted(id, key, utf8(input));
    j.beforeDelivery(List.of(new Outcome(id, output, null)));
  }

  private static String recalled(Journal j, String key, String input) {
    Outcome o = j.recall(key, utf8(input));
    return o == null ? null : new String(o.output(), StandardCharsets.UTF_8);
  }

  private static long rows(Path file, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  @Test
  void resultsOfAnEarlierRunAreRecalledByKeyOrByInputAndRunsAreRecorded(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("journal.sqlite");
    try (Journal j = open(file, "job-1")) {
      assertEquals(1, j.run());
      complete(j, "a", "input-a", utf8("A"));
      complete(j, null, "input-b", utf8("B"));
      long id = nextId++;
      j.submitted(id, "c", utf8("input-c"));
      j.beforeDelivery(List.of(new Outcome(id, null, new RemoteTaskException("java.lang.IllegalStateException", "bad c", "trace"))));
    }
    try (Journal j = open(file, "job-1")) {
      assertEquals(2, j.run());
      assertEquals("A", recalled(j, "a", "another input, same key"));
      assertEquals("B", recalled(j, null, "input-b"));
      assertNull(recalled(j, null, "input-a"), "an unkeyed task matches by its input, not by another's key");
      RemoteTaskException c = (RemoteTaskException) j.recall("c", utf8("input-c")).failure();
      assertEquals("bad c", c.remoteMessage());
      assertEquals(3, j.redelivered());
    }
    assertEquals(2, rows(file, "SELECT count(*) FROM runs"));
    assertEquals(3, rows(file, "SELECT redelivered FROM runs WHERE run = 2"));
    assertEquals(3, rows(file, "SELECT executed FROM runs WHERE run = 1"));
    assertEquals(3, rows(file, "SELECT count(*) FROM tasks"));
    assertEquals("wal", walMode(file));

    JournalSummary summary = JournalSummary.read(file);
    assertEquals("job-1", summary.jobId());
    assertEquals(3, summary.tasks());
    assertEquals(3, summary.done());
    assertEquals(1, summary.failed());
    assertEquals(2, summary.runs().size());
    assertEquals(3, summary.runs().get(1).redelivered());
    assertNotNull(summary.runs().get(1).ended(), "a run closed cleanly has its end");
  }

  @Test
  void attemptsWorkersAndLossesAreJournalledForTheTimeline(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("journal.sqlite");
    try (Journal j = open(file, "job-t")) {
      j.event(new org.jmswk.executor.ExecutorEvent("worker-started", 0, "h0", "n0", -1, "", 1_000));
      j.event(new org.jmswk.executor.ExecutorEvent("worker-started", 1, "h1", "n1", -1, "", 1_000));
      j.submitted(0, "a", utf8("a"));
      j.submitted(1, "b", utf8("b"));
      j.attemptLost(1, 1, 1, 1_100_000, 1_300_000, true);
      j.event(new org.jmswk.executor.ExecutorEvent("worker-lost", 1, "h1", "n1", -1, "silent", 1_300));
      j.event(new org.jmswk.executor.ExecutorEvent("node-excluded", -1, "", "", -1, "n1", 1_301));
      j.event(new org.jmswk.executor.ExecutorEvent("task-started", 0, "h0", "n0", 0, "1", 1_000)); // not journalled
      j.beforeDelivery(List.of(new Outcome(0, utf8("A"), null, 0, 1, 1_000_000, 1_200_000),
          new Outcome(1, null, new RemoteTaskException("E", "m", "t"), 0, 2, 1_300_000, 1_900_000)));
    }
    assertEquals(2, rows(file, "SELECT count(*) FROM results WHERE worker = 0 AND started_us IS NOT NULL"));
    assertEquals(2, rows(file, "SELECT attempt FROM results WHERE key = 'b'"));
    assertEquals(600_000, rows(file, "SELECT ended_us - started_us FROM results WHERE key = 'b'"));
    assertEquals(1, rows(file, "SELECT count(*) FROM events WHERE kind = 'attempt-lost' AND key = 'b' AND worker = 1"
        + " AND attempt = 1 AND started_us = 1100000 AND at_us = 1300000"));
    assertEquals(5, rows(file, "SELECT count(*) FROM events"), "2 started, 1 lost, 1 node excluded, 1 lost attempt; no task-started");
    JournalSummary s = JournalSummary.read(file);
    assertEquals(1, s.lostAttempts());
    assertEquals(0.2, s.lostSeconds(), 1e-9);
    assertEquals(0.6, s.failedSeconds(), 1e-9);
    assertEquals(0.8, s.secondsLostToFailures(), 1e-9);
    JournalTimeline t = JournalTimeline.read(file, true);
    assertEquals(3, t.attempts().size, "two results and the lost attempt");
    assertEquals(4, t.events().size());
    assertEquals(3, JournalTimeline.countAttempts(file));
  }

  @Test
  void aJournalWrittenBeforeTheTimelineRecordsGetsThemWhenOpened(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("journal.sqlite");
    try (Journal j = open(file, "job-old")) {
      complete(j, "a", "input-a", utf8("A"));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      for (String col : new String[] {"worker", "attempt", "started_us", "ended_us"}) st.execute("ALTER TABLE results DROP COLUMN " + col);
      st.execute("DROP TABLE events");
    }
    assertEquals(0, JournalSummary.read(file).lostAttempts(), "an older journal reads, without attempt records");
    assertEquals(0, JournalTimeline.countAttempts(file));
    try (Journal j = open(file, "job-old")) {
      assertEquals("A", recalled(j, "a", "input-a"));
      complete(j, "b", "input-b", utf8("B"));
    }
    assertEquals(2, rows(file, "SELECT count(*) FROM results"));
    assertEquals(0, rows(file, "SELECT count(*) FROM events"));
  }

  private static String walMode(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void aJournalOfAnotherJobOrProgramOrNoDatabaseIsRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("journal.sqlite");
    open(file, "job-1").close();
    JournalException other = assertThrows(JournalException.class, () -> open(file, "job-2"));
    assertTrue(other.getMessage().contains("is the journal of job job-1, not of this job job-2"), other.getMessage());

    Path foreign = dir.resolve("foreign.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE photos (id INTEGER)");
    }
    JournalException program = assertThrows(JournalException.class, () -> open(foreign, "job-1"));
    assertTrue(program.getMessage().contains("belongs to another program"), program.getMessage());

    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "shopping list\n");
    JournalException notDb = assertThrows(JournalException.class, () -> open(text, "job-1"));
    assertTrue(notDb.getMessage().contains("not an SQLite database"), notDb.getMessage());
    assertEquals("shopping list\n", Files.readString(text), "a refused file is left as it was");

    try (Journal fresh = Journal.open(new JournalSettings(file, "job-2", true, true, 3))) {
      assertEquals(1, fresh.run());
    }
    assertTrue(Files.exists(dir.resolve("journal.sqlite.old")), "a fresh start sets the old journal aside");
    assertEquals(3, rows(file, "SELECT restart_count FROM runs"));
  }

  @Test
  void aTornWalTailIsDroppedBackToTheLastCompleteTransaction(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("journal.sqlite");
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    try (Journal j = open(file, "job-1")) {
      for (int i = 0; i < 20; i++) complete(j, "early" + i, "e" + i, utf8("E" + i));
      long wal = Files.size(Path.of(file + "-wal"));
      complete(j, "last", "l", new byte[20_000]); // one transaction of several WAL frames
      assertTrue(Files.size(Path.of(file + "-wal")) > wal + 20_000);
      // the files as a power loss mid-write would leave them: the last frame only half there
      Files.copy(file, copy.resolve("journal.sqlite"));
      byte[] w = Files.readAllBytes(Path.of(file + "-wal"));
      Files.write(copy.resolve("journal.sqlite-wal"), java.util.Arrays.copyOf(w, w.length - 2000));
    }
    try (Journal j = open(copy.resolve("journal.sqlite"), "job-1")) {
      assertNull(j.note(), "a torn WAL tail is not damage: SQLite drops it");
      for (int i = 0; i < 20; i++) assertEquals("E" + i, recalled(j, "early" + i, "e" + i));
      assertNull(j.recall("last", utf8("l")), "the torn transaction is gone as a whole");
    }
  }

  @Test
  void aDamagedFileIsReportedKeptAsideAndItsReadableResultsSalvaged(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("journal.sqlite");
    try (Journal j = open(file, "job-1")) {
      for (int i = 0; i < 2000; i++) complete(j, "k" + i, "in" + i, utf8("result-" + i + "-" + "x".repeat(100)));
    }
    long pages = Files.size(file) / 4096;
    assertTrue(pages > 20, "pages: " + pages);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek((pages - 3) * 4096); // a page near the end: the results written last
      raf.write(new byte[4096 * 2]);
      byte[] junk = new byte[4096];
      java.util.Arrays.fill(junk, (byte) 0x5a);
      raf.seek((pages / 2) * 4096);
      raf.write(junk);
    }
    try (Journal j = open(file, "job-1")) {
      assertNotNull(j.note());
      assertTrue(j.note().contains("journal was damaged") && j.note().contains("results salvaged"), j.note());
      long recalled = 0;
      for (int i = 0; i < 2000; i++) if (recalled(j, "k" + i, "in" + i) != null) recalled++;
      assertTrue(recalled > 0 && recalled < 2000, "salvaged " + recalled);
      assertEquals("result-0-" + "x".repeat(100), recalled(j, "k0", "in0"));
      complete(j, "after", "after", utf8("AFTER"));
    }
    try (var files = Files.list(dir)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("journal.sqlite.corrupt-")), "the damaged file is kept");
    }
    try (Journal j = open(file, "job-1")) {
      assertNull(j.note(), "the salvaged journal is sound");
      assertEquals("AFTER", recalled(j, "after", "after"));
    }
  }

  @Test
  void aFullDiskFailsTheBatchWithAClearErrorAndLeavesNothingHalfWritten(@TempDir Path dir) throws Exception {
    Path mnt = dir.resolve("small");
    Files.createDirectories(mnt);
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()).inheritIO().start();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, "mount a 1 MiB tmpfs (the test runs as root)");
    try {
      Path file = mnt.resolve("journal.sqlite");
      List<String> journalled = new ArrayList<>();
      JournalException full = null;
      try (Journal j = open(file, "job-1")) {
        for (int i = 0; i < 200 && full == null; i++) {
          long a = nextId++;
          long b = nextId++;
          j.submitted(a, "a" + i, utf8("a" + i));
          j.submitted(b, "b" + i, utf8("b" + i));
          try {
            j.beforeDelivery(List.of(new Outcome(a, new byte[30_000], null), new Outcome(b, new byte[30_000], null)));
            journalled.add("a" + i);
            journalled.add("b" + i);
          } catch (JournalException e) {
            full = e;
            assertNull(j.recall("a" + i, utf8("a" + i)), "nothing of the failed batch is in the journal");
            assertNull(j.recall("b" + i, utf8("b" + i)));
          }
        }
        assertNotNull(full, "1 MiB filled up");
        assertTrue(full.getMessage().contains("the disk is full (SQLITE_FULL)") && full.getMessage().contains(file.toString()),
            full.getMessage());
        assertTrue(journalled.size() >= 2, "some batches fit: " + journalled.size());
        for (String k : journalled) assertArrayEquals(new byte[30_000], j.recall(k, utf8(k)).output());
      } catch (JournalException closing) {
        assertTrue(closing.getMessage().contains("disk is full"), closing.getMessage()); // closing may not fit either
      }
    } finally {
      new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor(20, TimeUnit.SECONDS);
    }
  }
}
