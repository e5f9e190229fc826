package org.jmswk.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/** Opens a job's journal read-only, for the figures and the timeline (never written from here). */
final class JournalRecords {
  private JournalRecords() {}

  static Connection openReadOnly(Path file) throws SQLException {
    if (!Files.isRegularFile(file)) throw new JournalException("no journal at " + file);
    SQLiteConfig ro = new SQLiteConfig();
    ro.setReadOnly(true);
    return DriverManager.getConnection("jdbc:sqlite:" + file, ro.toProperties());
  }

  /** The job id of a jmswk journal, or an SQLException when the file is not one. */
  static String jobId(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT program, job_id FROM meta LIMIT 1")) {
      if (!rs.next() || !JournalStore.PROGRAM.equals(rs.getString(1))) throw new SQLException("no jmswk-journal meta row");
      return rs.getString(2);
    }
  }

  /** True when the journal has the attempt records (journals written before them do not). */
  static boolean hasAttempts(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")) {
      return rs.next();
    }
  }

  static long one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
