package org.jmswk.journal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's task figures and resume history, read (read-only) from its journal: for {@code jmswk
 * stat ID --journal}.
 *
 * @param tasks       distinct tasks submitted in any run
 * @param done        tasks with a result
 * @param failed      of those, results that are a failure the handler threw
 * @param retried     tasks re-run after their worker died (in some run)
 * @param rerunAcross tasks submitted in more than one run without a result from the earlier one
 * @param lostAttempts attempts that ended with their worker's loss
 * @param lostSeconds  worker time those attempts took (run again elsewhere, or failed at the crash limit)
 * @param failedSeconds worker time of the attempts whose handler threw
 */
public record JournalSummary(String jobId, long tasks, long done, long failed, long retried, long rerunAcross,
                             long lostAttempts, double lostSeconds, double failedSeconds, List<Run> runs) {
  /** Time lost to failures: attempts lost with their worker, and attempts that failed. */
  public double secondsLostToFailures() {
    return lostSeconds + failedSeconds;
  }

  /** One run of the job (one start of its master). */
  public record Run(int run, Instant started, Instant ended, Integer restartCount, String mode, long redelivered,
                    long executed, String note) {}

  public static JournalSummary read(Path file) {
    try (Connection db = JournalRecords.openReadOnly(file); Statement st = db.createStatement()) {
      String job = JournalRecords.jobId(st);
      long tasks = one(st, "SELECT count(DISTINCT id) FROM tasks");
      long done = one(st, "SELECT count(*) FROM results");
      long failed = one(st, "SELECT count(*) FROM results WHERE failure_class IS NOT NULL");
      long retried = one(st, "SELECT count(DISTINCT id) FROM tasks WHERE retries > 0");
      long across = one(st, "SELECT count(*) FROM (SELECT id FROM tasks GROUP BY id HAVING count(DISTINCT run) > 1)");
      long lostAttempts = 0;
      double lostSeconds = 0;
      double failedSeconds = 0;
      if (JournalRecords.hasAttempts(st)) {
        lostAttempts = one(st, "SELECT count(*) FROM events WHERE kind = 'attempt-lost'");
        lostSeconds = one(st, "SELECT coalesce(sum(at_us - started_us), 0) FROM events WHERE kind = 'attempt-lost'") / 1e6;
        failedSeconds = one(st, "SELECT coalesce(sum(ended_us - started_us), 0) FROM results"
            + " WHERE failure_class IS NOT NULL AND started_us IS NOT NULL") / 1e6;
      }
      List<Run> runs = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT run, started_at, ended_at, restart_count, mode, redelivered, executed,"
          + " note FROM runs ORDER BY run")) {
        while (rs.next()) {
          long ended = rs.getLong(3);
          boolean noEnd = rs.wasNull();
          int restarts = rs.getInt(4);
          boolean noRestarts = rs.wasNull();
          runs.add(new Run(rs.getInt(1), Instant.ofEpochMilli(rs.getLong(2)), noEnd ? null : Instant.ofEpochMilli(ended),
              noRestarts ? null : restarts, rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getString(8)));
        }
      }
      return new JournalSummary(job, tasks, done, failed, retried, across, lostAttempts, lostSeconds, failedSeconds, runs);
    } catch (SQLException e) {
      throw new JournalException("journal " + file + " cannot be read as a jmswk journal (" + e.getMessage() + ")", e);
    }
  }

  private static long one(Statement st, String sql) throws SQLException {
    return JournalRecords.one(st, sql);
  }
}
