package org.jmswk.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * A job's task figures and resume history, read (read-only) from its journal: for {@code jmswk
 * stat ID --journal}.
 *
 * @param tasks       distinct tasks submitted in any run
 * @param done        tasks with a result
 * @param failed      of those, results that are a failure the handler threw
 * @param retried     tasks re-run after their worker died (in some run)
 * @param rerunAcross tasks submitted in more than one run without a result from the earlier one
 */
public record JournalSummary(String jobId, long tasks, long done, long failed, long retried, long rerunAcross,
                             List<Run> runs) {
  /** One run of the job (one start of its master). */
  public record Run(int run, Instant started, Instant ended, Integer restartCount, String mode, long redelivered,
                    long executed, String note) {}

  public static JournalSummary read(Path file) {
    if (!Files.isRegularFile(file)) throw new JournalException("no journal at " + file);
    SQLiteConfig ro = new SQLiteConfig();
    ro.setReadOnly(true);
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file, ro.toProperties());
         Statement st = db.createStatement()) {
      String job;
      try (ResultSet rs = st.executeQuery("SELECT program, job_id FROM meta LIMIT 1")) {
        if (!rs.next() || !JournalStore.PROGRAM.equals(rs.getString(1))) throw new SQLException("no jmswk-journal meta row");
        job = rs.getString(2);
      }
      long tasks = one(st, "SELECT count(DISTINCT id) FROM tasks");
      long done = one(st, "SELECT count(*) FROM results");
      long failed = one(st, "SELECT count(*) FROM results WHERE failure_class IS NOT NULL");
      long retried = one(st, "SELECT count(DISTINCT id) FROM tasks WHERE retries > 0");
      long across = one(st, "SELECT count(*) FROM (SELECT id FROM tasks GROUP BY id HAVING count(DISTINCT run) > 1)");
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
      return new JournalSummary(job, tasks, done, failed, retried, across, runs);
    } catch (SQLException e) {
      throw new JournalException("journal " + file + " cannot be read as a jmswk journal (" + e.getMessage() + ")", e);
    }
  }

  private static long one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** As text: the figures, then one line per run. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add("tasks " + tasks + ", done " + done + " (failed " + failed + "), retried after a worker died " + retried
        + ", run again after a restart " + rerunAcross);
    for (Run r : runs) {
      out.add("run " + r.run() + ": " + r.mode() + ", started " + r.started()
          + (r.ended() == null ? ", did not end cleanly" : ", ended " + r.ended())
          + (r.restartCount() == null ? "" : ", SLURM_RESTART_COUNT " + r.restartCount())
          + ", re-delivered " + r.redelivered() + ", executed " + r.executed()
          + (r.note() == null ? "" : "; " + r.note()));
    }
    return out;
  }
}
