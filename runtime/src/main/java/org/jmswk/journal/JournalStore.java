package org.jmswk.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jmswk.executor.RemoteTaskException;

/**
 * The journal's SQLite file: its schema, the checks made when it is opened (whose journal it
 * is, whether it is intact), and the writes. Not thread-safe: {@link Journal} serializes calls.
 *
 * <p>WAL mode: a commit appends to the write-ahead log, and a torn tail of that log (power loss
 * mid-write) is dropped by SQLite itself on the next open, back to the last complete
 * transaction (its frames are checksummed). Damage beyond that is found by {@code PRAGMA
 * quick_check}; the readable rows are then copied into a new file and the damaged one is kept
 * beside it.
 */
final class JournalStore implements AutoCloseable {
  static final String PROGRAM = "jmswk-journal";
  static final int SCHEMA_VERSION = 1;
  /** PRAGMA application_id: "JMSK", so file(1) and sqlite3 tell what the file is. */
  static final int APPLICATION_ID = 0x4a4d534b;
  private static final int SQLITE_FULL = 13;
  private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** One result to write: the task's key and its output, or the failure its handler threw. */
  record ResultRow(String key, byte[] output, RuntimeException failure, long doneAt) {}

  /** A submitted task: its key and the SHA-256 of its input. */
  record TaskRow(String key, byte[] payloadHash) {}

  private final Path file;
  private final Connection db;
  private final int run;
  private final String note;
  private long results;

  private JournalStore(Path file, Connection db, int run, String note, long results) {
    this.file = file;
    this.db = db;
    this.run = run;
    this.note = note;
    this.results = results;
  }

  /** Opens (or creates) the journal for the settings' job and records the start of a new run. */
  static JournalStore open(JournalSettings s) {
    Path file = s.file().toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      if (s.fresh() && Files.exists(file)) setAside(file, Path.of(file + ".old"));
      String note = null;
      if (Files.exists(file)) {
        refuseIfNotSqlite(file);
        String damage = damage(file, s);
        if (damage != null) note = salvage(file, s, damage);
      }
      Connection db = connect(file, s.fullSync());
      try {
        if (!hasTable(db, "meta")) create(db, s.jobId());
        checkOwner(db, file, s.jobId());
        long results = count(db, "results");
        int run = startRun(db, s, note);
        return new JournalStore(file, db, run, note, results);
      } catch (SQLException | RuntimeException e) {
        db.close();
        throw e;
      }
    } catch (SQLException e) {
      throw new JournalException(describe(file, e), e);
    } catch (IOException e) {
      throw new JournalException("journal " + file + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(Path file, boolean fullSync) throws SQLException {
    Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement st = db.createStatement()) {
      st.execute("PRAGMA busy_timeout = 10000"); // another process holding the file: a bounded wait
      st.execute("PRAGMA journal_mode = WAL");
      st.execute("PRAGMA synchronous = " + (fullSync ? "FULL" : "NORMAL"));
    }
    return db;
  }

  private static void refuseIfNotSqlite(Path file) throws IOException {
    if (Files.size(file) == 0) return; // an empty file is an empty database
    byte[] head = new byte[SQLITE_HEADER.length];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n < head.length || !Arrays.equals(head, SQLITE_HEADER)) {
      throw new JournalException("journal " + file + " is not a jmswk journal (not an SQLite database); "
          + "move it away or point JMSWK_JOURNAL_PATH elsewhere");
    }
  }

  /** Null if the file passes quick_check, else what is wrong (the file's owner is checked first). */
  private static String damage(Path file, JournalSettings s) throws SQLException {
    try (Connection db = connect(file, s.fullSync())) {
      if (hasTable(db, "meta")) checkOwner(db, file, s.jobId());
      else if (hasAnyTable(db)) checkOwner(db, file, s.jobId()); // refuses: another program's database
      List<String> problems = new ArrayList<>();
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
        while (rs.next()) problems.add(rs.getString(1));
      }
      return problems.equals(List.of("ok")) ? null : String.join("; ", problems);
    } catch (SQLException e) {
      if (isCorrupt(e)) return e.getMessage();
      throw e;
    }
  }

  private static boolean isCorrupt(SQLException e) {
    int code = e.getErrorCode() & 0xff;
    return code == 11 || code == 26; // SQLITE_CORRUPT, SQLITE_NOTADB
  }

  /**
   * Keeps the damaged file as FILE.corrupt-MILLIS and copies every row that can still be read
   * (in the order written) into a new FILE. Returns the note recorded with the run.
   */
  private static String salvage(Path file, JournalSettings s, String damage) throws SQLException, IOException {
    Path kept = Path.of(file + ".corrupt-" + System.currentTimeMillis());
    setAside(file, kept);
    int saved = 0;
    try (Connection old = connect(kept, false); Connection db = connect(file, s.fullSync())) {
      create(db, s.jobId());
      try (Statement st = db.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
      }
      saved = copyReadable(old, db, "SELECT key, run, output, failure_class, failure_message, failure_trace, done_at"
          + " FROM results ORDER BY rowid", "INSERT OR IGNORE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", 7);
      copyReadable(old, db, "SELECT key, payload_hash, attempts, first_run FROM tasks ORDER BY rowid",
          "INSERT OR IGNORE INTO tasks VALUES (?, ?, ?, ?)", 4);
      copyReadable(old, db, "SELECT run, started_at, restart_count, mode, redelivered, executed, ended_at, note FROM runs"
          + " ORDER BY run", "INSERT OR IGNORE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", 8);
      try (Statement st = db.createStatement()) {
        st.execute("COMMIT");
      }
    }
    String note = "journal was damaged (" + damage + "); kept as " + kept.getFileName() + ", " + saved
        + " results salvaged, tasks without a result run again";
    System.err.println("jmswk journal: " + file + ": " + note);
    return note;
  }

  /** Copies rows until the first one that cannot be read; returns how many were copied. */
  private static int copyReadable(Connection from, Connection to, String select, String insert, int columns)
      throws SQLException {
    int n = 0;
    try (PreparedStatement ins = to.prepareStatement(insert)) {
      try (Statement st = from.createStatement(); ResultSet rs = st.executeQuery(select)) {
        while (rs.next()) {
          for (int c = 1; c <= columns; c++) ins.setObject(c, rs.getObject(c));
          ins.executeUpdate();
          n++;
        }
      } catch (SQLException unreadable) {
        // the damaged part: everything before it is kept
      }
    }
    return n;
  }

  private static void setAside(Path file, Path to) throws IOException {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Path f = Path.of(file + suffix);
      if (Files.exists(f)) Files.move(f, Path.of(to + suffix), StandardCopyOption.REPLACE_EXISTING);
      else Files.deleteIfExists(Path.of(to + suffix));
    }
  }

  private static boolean hasTable(Connection db, String name) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean hasAnyTable(Connection db) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master LIMIT 1")) {
      return rs.next();
    }
  }

  private static void create(Connection db, String jobId) throws SQLException {
    try (Statement st = db.createStatement()) {
      if (hasAnyTable(db)) return; // checkOwner says whose it is
      st.execute("BEGIN IMMEDIATE");
      st.execute("PRAGMA application_id = " + APPLICATION_ID);
      st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
      st.execute("CREATE TABLE meta (program TEXT NOT NULL, schema_version INTEGER NOT NULL, job_id TEXT NOT NULL,"
          + " created_at INTEGER NOT NULL)");
      st.execute("CREATE TABLE tasks (key TEXT PRIMARY KEY, payload_hash BLOB NOT NULL, attempts INTEGER NOT NULL,"
          + " first_run INTEGER NOT NULL)");
      st.execute("CREATE TABLE results (key TEXT PRIMARY KEY, run INTEGER NOT NULL, output BLOB, failure_class TEXT,"
          + " failure_message TEXT, failure_trace TEXT, done_at INTEGER NOT NULL)");
      st.execute("CREATE TABLE runs (run INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, restart_count INTEGER,"
          + " mode TEXT NOT NULL, redelivered INTEGER NOT NULL DEFAULT 0, executed INTEGER NOT NULL DEFAULT 0,"
          + " ended_at INTEGER, note TEXT)");
      try (PreparedStatement ps = db.prepareStatement("INSERT INTO meta VALUES (?, ?, ?, ?)")) {
        ps.setString(1, PROGRAM);
        ps.setInt(2, SCHEMA_VERSION);
        ps.setString(3, jobId);
        ps.setLong(4, System.currentTimeMillis());
        ps.executeUpdate();
      }
      st.execute("COMMIT");
    }
  }

  /** Refuses the journal of another program, of another schema, or of another job. */
  private static void checkOwner(Connection db, Path file, String jobId) throws SQLException {
    String program = null;
    int version = -1;
    String job = null;
    if (hasTable(db, "meta")) {
      try (Statement st = db.createStatement();
           ResultSet rs = st.executeQuery("SELECT program, schema_version, job_id FROM meta LIMIT 1")) {
        if (rs.next()) {
          program = rs.getString(1);
          version = rs.getInt(2);
          job = rs.getString(3);
        }
      } catch (SQLException e) {
        if (isCorrupt(e)) throw e;
        // a meta table of another shape: another program's
      }
    }
    if (!PROGRAM.equals(program)) {
      throw new JournalException("journal " + file + " belongs to another program (no '" + PROGRAM + "' meta row); "
          + "refusing to use it: move it away or point JMSWK_JOURNAL_PATH elsewhere");
    }
    if (version != SCHEMA_VERSION) {
      throw new JournalException("journal " + file + " has schema version " + version + ", this jmswk reads "
          + SCHEMA_VERSION + "; refusing to use it");
    }
    if (!jobId.equals(job)) {
      throw new JournalException("journal " + file + " is the journal of job " + job + ", not of this job " + jobId
          + "; refusing to use it (JMSWK_JOURNAL=fresh starts this job over, setting the old journal aside)");
    }
  }

  private static long count(Connection db, String table) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static int startRun(Connection db, JournalSettings s, String note) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(
        "INSERT INTO runs (run, started_at, restart_count, mode, note) VALUES ((SELECT coalesce(max(run), 0) + 1 FROM runs),"
            + " ?, ?, ?, ?) RETURNING run")) {
      ps.setLong(1, System.currentTimeMillis());
      if (s.restartCount() >= 0) ps.setInt(2, s.restartCount());
      else ps.setNull(2, java.sql.Types.INTEGER);
      ps.setString(3, s.fresh() ? "fresh" : "resume");
      ps.setString(4, note);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  Path file() {
    return file;
  }

  /** This run's number (1 for the first run of the job). */
  int run() {
    return run;
  }

  /** What was found wrong with the journal when it was opened, or null. */
  String note() {
    return note;
  }

  /** The recorded outcome of {@code key}, or null: its output, or (as its failure) a RemoteTaskException. */
  ResultRow find(String key) {
    if (results == 0) return null;
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT output, failure_class, failure_message, failure_trace, done_at FROM results WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        String failureClass = rs.getString(2);
        RuntimeException failure = failureClass == null ? null
            : new RemoteTaskException(failureClass, rs.getString(3), rs.getString(4));
        return new ResultRow(key, failure == null ? rs.getBytes(1) : null, failure, rs.getLong(5));
      }
    } catch (SQLException e) {
      throw new JournalException(describe(file, e), e);
    }
  }

  /**
   * One transaction: the submitted tasks, the re-runs, the results and this run's counters.
   * Either all of it is on disk when this returns, or none of it is (and it throws).
   */
  void write(List<TaskRow> tasks, List<String> reruns, List<ResultRow> rows, long redelivered) {
    try (Statement st = db.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      try {
        int added = 0;
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO tasks VALUES (?, ?, 1, ?)"
            + " ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1")) {
          for (TaskRow t : tasks) {
            ps.setString(1, t.key());
            ps.setBytes(2, t.payloadHash());
            ps.setInt(3, run);
            ps.executeUpdate();
          }
        }
        try (PreparedStatement ps = db.prepareStatement("UPDATE tasks SET attempts = attempts + 1 WHERE key = ?")) {
          for (String k : reruns) {
            ps.setString(1, k);
            ps.executeUpdate();
          }
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT OR IGNORE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          for (ResultRow r : rows) {
            ps.setString(1, r.key());
            ps.setInt(2, run);
            ps.setBytes(3, r.failure() == null ? r.output() : null);
            if (r.failure() instanceof RemoteTaskException x) {
              ps.setString(4, x.remoteClass());
              ps.setString(5, x.remoteMessage());
              ps.setString(6, x.remoteTrace());
            } else if (r.failure() != null) {
              ps.setString(4, r.failure().getClass().getName());
              ps.setString(5, r.failure().getMessage());
              ps.setString(6, "");
            } else {
              ps.setNull(4, java.sql.Types.VARCHAR);
              ps.setNull(5, java.sql.Types.VARCHAR);
              ps.setNull(6, java.sql.Types.VARCHAR);
            }
            ps.setLong(7, r.doneAt());
            added += ps.executeUpdate();
          }
        }
        try (PreparedStatement ps = db.prepareStatement(
            "UPDATE runs SET executed = executed + ?, redelivered = ? WHERE run = ?")) {
          ps.setInt(1, added);
          ps.setLong(2, redelivered);
          ps.setInt(3, run);
          ps.executeUpdate();
        }
        st.execute("COMMIT");
        results += added;
      } catch (SQLException e) {
        rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new JournalException(describe(file, e) + "; " + rows.size() + " results not journalled (their tasks fail"
          + " with this error)", e);
    }
  }

  private void rollback() {
    try (Statement st = db.createStatement()) {
      st.execute("ROLLBACK");
    } catch (SQLException alreadyRolledBack) {
      // SQLite rolls back by itself after some errors (SQLITE_FULL among them)
    }
  }

  /** Records the end of this run. */
  void endRun(long redelivered) {
    try (PreparedStatement ps = db.prepareStatement("UPDATE runs SET ended_at = ?, redelivered = ? WHERE run = ?")) {
      ps.setLong(1, System.currentTimeMillis());
      ps.setLong(2, redelivered);
      ps.setInt(3, run);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new JournalException(describe(file, e), e);
    }
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new JournalException(describe(file, e), e);
    }
  }

  /** One line: the file and what SQLite said, in words a user acts on. */
  static String describe(Path file, SQLException e) {
    int code = e.getErrorCode() & 0xff;
    if (code == SQLITE_FULL) return "journal " + file + ": the disk is full (SQLITE_FULL); free space and run the job again to resume";
    if (code == 11 || code == 26) return "journal " + file + " is damaged (" + e.getMessage() + ")";
    return "journal " + file + ": " + e.getMessage();
  }
}
