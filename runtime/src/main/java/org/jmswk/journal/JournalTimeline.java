package org.jmswk.journal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every task attempt and every worker/node event of a job, read from its journal, for the
 * timeline picture and its trace export. Attempts are kept in columns (a million of them take
 * some 30 MB); task keys only when {@code withKeys}.
 *
 * @param attempts one row per attempt, in no particular order
 * @param events   worker-started, worker-lost, worker-start-failed, node-excluded, task-failed
 * @param runs     start (and end, 0 when the run did not end cleanly) of each run, in microseconds
 */
public record JournalTimeline(String jobId, Attempts attempts, List<Event> events, List<Run> runs) {
  /** Outcome codes of an attempt. */
  public static final byte DONE = 0;
  public static final byte FAILED = 1;
  public static final byte LOST = 2;

  public record Run(int run, long startedMicros, long endedMicros) {}

  /** A worker or node event; {@code worker} -1 when none. */
  public record Event(int run, String kind, int worker, String host, String node, long atMicros, String detail) {}

  /** Attempts in columns: run, worker, start and end (microseconds), outcome, attempt number, key (or null). */
  public static final class Attempts {
    public int size;
    public int[] run = new int[16];
    public int[] worker = new int[16];
    public long[] start = new long[16];
    public long[] end = new long[16];
    public byte[] outcome = new byte[16];
    public int[] attempt = new int[16];
    public String[] key;

    public Attempts(boolean withKeys) {
      key = withKeys ? new String[16] : null;
    }

    public void add(int r, int w, long s, long e, byte o, int a, String k) {
      if (size == run.length) {
        int n = size * 2;
        run = Arrays.copyOf(run, n);
        worker = Arrays.copyOf(worker, n);
        start = Arrays.copyOf(start, n);
        end = Arrays.copyOf(end, n);
        outcome = Arrays.copyOf(outcome, n);
        attempt = Arrays.copyOf(attempt, n);
        if (key != null) key = Arrays.copyOf(key, n);
      }
      run[size] = r;
      worker[size] = w;
      start[size] = s;
      end[size] = Math.max(s, e);
      outcome[size] = o;
      attempt[size] = a;
      if (key != null) key[size] = k;
      size++;
    }
  }

  /** How many attempts the journal records (to choose between one bar each and aggregates). */
  public static long countAttempts(Path file) {
    try (Connection db = JournalRecords.openReadOnly(file); Statement st = db.createStatement()) {
      JournalRecords.jobId(st);
      if (!JournalRecords.hasAttempts(st)) return 0;
      return JournalRecords.one(st, "SELECT count(*) FROM results WHERE started_us IS NOT NULL")
          + JournalRecords.one(st, "SELECT count(*) FROM events WHERE kind = 'attempt-lost'");
    } catch (SQLException e) {
      throw unreadable(file, e);
    }
  }

  public static JournalTimeline read(Path file, boolean withKeys) {
    try (Connection db = JournalRecords.openReadOnly(file); Statement st = db.createStatement()) {
      String job = JournalRecords.jobId(st);
      Attempts attempts = new Attempts(withKeys);
      List<Event> events = new ArrayList<>();
      List<Run> runs = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT run, started_at, ended_at FROM runs ORDER BY run")) {
        while (rs.next()) runs.add(new Run(rs.getInt(1), rs.getLong(2) * 1000, rs.getLong(3) * 1000));
      }
      if (JournalRecords.hasAttempts(st)) {
        try (ResultSet rs = st.executeQuery("SELECT run, worker, started_us, ended_us, failure_class IS NOT NULL, attempt"
            + (withKeys ? ", key" : "") + " FROM results WHERE started_us IS NOT NULL")) {
          while (rs.next()) {
            attempts.add(rs.getInt(1), rs.getInt(2), rs.getLong(3), rs.getLong(4), rs.getBoolean(5) ? FAILED : DONE,
                rs.getInt(6), withKeys ? rs.getString(7) : null);
          }
        }
        try (ResultSet rs = st.executeQuery("SELECT run, kind, coalesce(worker, -1), coalesce(host, ''), coalesce(node, ''),"
            + " started_us, at_us, coalesce(detail, ''), key, coalesce(attempt, 1) FROM events ORDER BY seq")) {
          while (rs.next()) {
            if (rs.getString(2).equals("attempt-lost")) {
              attempts.add(rs.getInt(1), rs.getInt(3), rs.getLong(6), rs.getLong(7), LOST, rs.getInt(10),
                  withKeys ? rs.getString(9) : null);
            } else {
              events.add(new Event(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                  rs.getLong(7), rs.getString(8)));
            }
          }
        }
      }
      return new JournalTimeline(job, attempts, events, runs);
    } catch (SQLException e) {
      throw unreadable(file, e);
    }
  }

  private static JournalException unreadable(Path file, Exception e) {
    if (e instanceof JournalException je) return je;
    return new JournalException("journal " + file + " cannot be read as a jmswk journal (" + e.getMessage() + ")", e);
  }
}
