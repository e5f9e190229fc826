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
 * is, whether it is intact), and the writes. {@link #write} and {@link #endRun} are called by one
 * thread at a time ({@link Journal}'s group commit); {@link #find} from any thread, on a
 * connection of its own, so a submitting thread never waits for a commit's fsync.
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

  /** One result to write: the task's id and key, and its output or the failure its handler threw. */
  record ResultRow(long id, String key, byte[] output, RuntimeException failure, long doneAt, int worker, int attempt,
                   long startedMicros, long endedMicros) {}

  /**
   * A worker or node event, or an attempt lost with its worker (kind {@code attempt-lost}), for
   * the job's timeline: times in microseconds ({@code started} = {@code at} for an instant).
   */
  record EventRow(String kind, int worker, String host, String node, Long task, String key, int attempt,
                  long startedMicros, long atMicros, String detail) {}

  /** A submitted task: its row ({@link #nextTaskSeq}), id and key, and the SHA-256 of its input. */
  record TaskRow(long seq, long id, String key, byte[] payloadHash) {}

  private final Path file;
  private final Connection db;
  private final Connection reader;
  private final int run;
  private final String note;
  /**
   * Task id to the row of its result, for every result in the file. Rows are numbered in the
   * order written (appends touch only the last pages; an index on the random ids would dirty
   * pages all over the file at every commit), and looked up through this map instead.
   */
  private final LongMap resultRows;
  private long nextResultSeq;
  private final java.util.concurrent.atomic.AtomicLong nextTaskSeq;
  private final PreparedStatement findResult;
  private final PreparedStatement insertTask;
  private final PreparedStatement countRerun;
  private final PreparedStatement insertResult;
  private final PreparedStatement updateRun;
  private final PreparedStatement insertEvent;

  private JournalStore(Path file, Connection db, int run, String note, LongMap resultRows) throws SQLException {
    this.file = file;
    this.db = db;
    this.reader = connect(file, false);
    this.run = run;
    this.note = note;
    this.resultRows = resultRows;
    this.nextResultSeq = maxSeq(db, "results") + 1;
    this.nextTaskSeq = new java.util.concurrent.atomic.AtomicLong(maxSeq(db, "tasks") + 1);
    this.findResult = reader.prepareStatement(
        "SELECT key, output, failure_class, failure_message, failure_trace, done_at FROM results WHERE seq = ?");
    this.insertTask = db.prepareStatement("INSERT INTO tasks VALUES (?, ?, ?, ?, ?, 0)");
    this.countRerun = db.prepareStatement("UPDATE tasks SET retries = retries + 1 WHERE seq = ?");
    this.insertResult = db.prepareStatement("INSERT INTO results (seq, id, key, run, output, failure_class,"
        + " failure_message, failure_trace, done_at, worker, attempt, started_us, ended_us)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.insertEvent = db.prepareStatement("INSERT INTO events (run, kind, worker, host, node, task, key, attempt,"
        + " started_us, at_us, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.updateRun = db.prepareStatement("UPDATE runs SET executed = executed + ?, redelivered = ? WHERE run = ?");
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
        addTimeline(db);
        LongMap ids = resultRows(db);
        int run = startRun(db, s, note);
        return new JournalStore(file, db, run, note, ids);
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
      saved = copyReadable(old, db, "SELECT seq, id, key, run, output, failure_class, failure_message, failure_trace,"
          + " done_at FROM results ORDER BY seq", "INSERT OR IGNORE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", 9);
      copyReadable(old, db, "SELECT seq, id, key, payload_hash, run, retries FROM tasks ORDER BY seq",
          "INSERT OR IGNORE INTO tasks VALUES (?, ?, ?, ?, ?, ?)", 6);
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
      // seq: rows in the order written; id: the first 8 bytes of a SHA-256 of the key (Journal#id).
      // tasks: one row per submission in a run, retries: re-runs in that run after a worker died.
      st.execute("CREATE TABLE tasks (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, key TEXT NOT NULL,"
          + " payload_hash BLOB NOT NULL, run INTEGER NOT NULL, retries INTEGER NOT NULL)");
      st.execute("CREATE TABLE results (seq INTEGER PRIMARY KEY, id INTEGER NOT NULL, key TEXT NOT NULL,"
          + " run INTEGER NOT NULL, output BLOB, failure_class TEXT, failure_message TEXT, failure_trace TEXT,"
          + " done_at INTEGER NOT NULL)");
      st.execute("CREATE VIEW attempts AS SELECT key, count(*) + sum(retries) AS attempts, min(run) AS first_run"
          + " FROM tasks GROUP BY key");
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

  /**
   * What the job's timeline needs, added to a journal that lacks it (journals written before it
   * existed): per result the worker, the attempt's number and when it ran, and a table of
   * worker/node events and lost attempts. Additive, so an older jmswk still reads the file.
   */
  private static void addTimeline(Connection db) throws SQLException {
    boolean has = false;
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA table_info(results)")) {
      while (rs.next()) has |= rs.getString("name").equals("started_us");
    }
    if (has && hasTable(db, "events")) return;
    try (Statement st = db.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      if (!has) {
        for (String c : new String[] {"worker", "attempt", "started_us", "ended_us"}) {
          st.execute("ALTER TABLE results ADD COLUMN " + c + " INTEGER");
        }
      }
      // kind: worker-started, worker-lost, worker-start-failed, node-excluded, task-failed, attempt-lost
      st.execute("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, run INTEGER NOT NULL, kind TEXT NOT NULL,"
          + " worker INTEGER, host TEXT, node TEXT, task INTEGER, key TEXT, attempt INTEGER, started_us INTEGER NOT NULL,"
          + " at_us INTEGER NOT NULL, detail TEXT)");
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

  private static LongMap resultRows(Connection db) throws SQLException {
    LongMap rows = new LongMap();
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT id, seq FROM results")) {
      while (rs.next()) {
        if (!rows.contains(rs.getLong(1))) rows.put(rs.getLong(1), rs.getLong(2)); // the first result of an id counts
      }
    }
    return rows;
  }

  private static long maxSeq(Connection db, String table) throws SQLException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM " + table)) {
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

  /** The recorded outcome of task {@code id} ({@code key}), or null: its output, or (as its failure) a RemoteTaskException. */
  ResultRow find(long id, String key) {
    long seq;
    synchronized (resultRows) {
      seq = resultRows.get(id);
    }
    if (seq < 0) return null;
    synchronized (reader) {
      return read(seq, id, key);
    }
  }

  /** A new task row's number (rows are written in a later commit, in any order). */
  long nextTaskSeq() {
    return nextTaskSeq.getAndIncrement();
  }

  private ResultRow read(long seq, long id, String key) {
    try {
      findResult.setLong(1, seq);
      try (ResultSet rs = findResult.executeQuery()) {
        if (!rs.next() || !key.equals(rs.getString(1))) return null;
        String failureClass = rs.getString(3);
        RuntimeException failure = failureClass == null ? null
            : new RemoteTaskException(failureClass, rs.getString(4), rs.getString(5));
        return new ResultRow(id, key, failure == null ? rs.getBytes(2) : null, failure, rs.getLong(6), -1, 0, 0, 0);
      }
    } catch (SQLException e) {
      throw new JournalException(describe(file, e), e);
    }
  }

  /**
   * One transaction: the submitted tasks, the re-runs, the results (with their attempts), the
   * worker and node events, and this run's counters.
   * Either all of it is on disk when this returns, or none of it is (and it throws).
   */
  void write(List<TaskRow> tasks, List<Long> reruns, List<ResultRow> rows, List<EventRow> events, long redelivered) {
    LongMap added = new LongMap();
    List<long[]> addedRows = new ArrayList<>();
    try (Statement st = db.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      try {
        for (TaskRow t : tasks) {
          insertTask.setLong(1, t.seq());
          insertTask.setLong(2, t.id());
          insertTask.setString(3, t.key());
          insertTask.setBytes(4, t.payloadHash());
          insertTask.setInt(5, run);
          insertTask.addBatch();
        }
        if (!tasks.isEmpty()) insertTask.executeBatch();
        for (long id : reruns) {
          countRerun.setLong(1, id);
          countRerun.addBatch();
        }
        if (!reruns.isEmpty()) countRerun.executeBatch();
        long seq = nextResultSeq;
        for (ResultRow r : rows) {
          boolean known;
          synchronized (resultRows) {
            known = resultRows.contains(r.id());
          }
          if (known || added.contains(r.id())) continue; // same key (or same input) twice: the first result stands
          added.put(r.id(), seq);
          addedRows.add(new long[] {r.id(), seq});
          insertResult.setLong(1, seq++);
          insertResult.setLong(2, r.id());
          insertResult.setString(3, r.key());
          insertResult.setInt(4, run);
          insertResult.setBytes(5, r.failure() == null ? r.output() : null);
          if (r.failure() instanceof RemoteTaskException x) {
            insertResult.setString(6, x.remoteClass());
            insertResult.setString(7, x.remoteMessage());
            insertResult.setString(8, x.remoteTrace());
          } else if (r.failure() != null) {
            insertResult.setString(6, r.failure().getClass().getName());
            insertResult.setString(7, r.failure().getMessage());
            insertResult.setString(8, "");
          } else {
            insertResult.setNull(6, java.sql.Types.VARCHAR);
            insertResult.setNull(7, java.sql.Types.VARCHAR);
            insertResult.setNull(8, java.sql.Types.VARCHAR);
          }
          insertResult.setLong(9, r.doneAt());
          if (r.worker() >= 0) {
            insertResult.setInt(10, r.worker());
            insertResult.setInt(11, r.attempt());
            insertResult.setLong(12, r.startedMicros());
            insertResult.setLong(13, r.endedMicros());
          } else {
            for (int c = 10; c <= 13; c++) insertResult.setNull(c, java.sql.Types.INTEGER);
          }
          insertResult.addBatch();
        }
        if (!addedRows.isEmpty()) insertResult.executeBatch();
        insertEvents(events);
        updateRun.setInt(1, addedRows.size());
        updateRun.setLong(2, redelivered);
        updateRun.setInt(3, run);
        updateRun.executeUpdate();
        st.execute("COMMIT");
        nextResultSeq = seq;
        synchronized (resultRows) {
          for (long[] r : addedRows) resultRows.put(r[0], r[1]);
        }
      } catch (SQLException e) {
        clearBatches();
        rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new JournalException(describe(file, e) + "; " + rows.size() + " results not journalled (their tasks fail"
          + " with this error)", e);
    }
  }

  private void insertEvents(List<EventRow> events) throws SQLException {
    for (EventRow e : events) {
      insertEvent.setInt(1, run);
      insertEvent.setString(2, e.kind());
      if (e.worker() >= 0) insertEvent.setInt(3, e.worker());
      else insertEvent.setNull(3, java.sql.Types.INTEGER);
      insertEvent.setString(4, e.host());
      insertEvent.setString(5, e.node());
      if (e.task() != null) insertEvent.setLong(6, e.task());
      else insertEvent.setNull(6, java.sql.Types.INTEGER);
      insertEvent.setString(7, e.key());
      if (e.attempt() > 0) insertEvent.setInt(8, e.attempt());
      else insertEvent.setNull(8, java.sql.Types.INTEGER);
      insertEvent.setLong(9, e.startedMicros());
      insertEvent.setLong(10, e.atMicros());
      insertEvent.setString(11, e.detail());
      insertEvent.addBatch();
    }
    if (!events.isEmpty()) insertEvent.executeBatch();
  }

  private void clearBatches() {
    for (PreparedStatement ps : new PreparedStatement[] {insertTask, countRerun, insertResult, insertEvent}) {
      try {
        ps.clearBatch();
      } catch (SQLException ignored) {
        // nothing queued
      }
    }
  }

  private void rollback() {
    try (Statement st = db.createStatement()) {
      st.execute("ROLLBACK");
    } catch (SQLException alreadyRolledBack) {
      // SQLite rolls back by itself after some errors (SQLITE_FULL among them)
    }
  }

  /** Records the end of this run, and {@code note} (if not null) after what its note says already. */
  void endRun(long redelivered, String note) {
    try (PreparedStatement ps = db.prepareStatement("UPDATE runs SET ended_at = ?1, redelivered = ?2,"
        + " note = CASE WHEN ?4 IS NULL THEN note WHEN note IS NULL THEN ?4 ELSE note || '; ' || ?4 END WHERE run = ?3")) {
      ps.setLong(1, System.currentTimeMillis());
      ps.setLong(2, redelivered);
      ps.setInt(3, run);
      ps.setString(4, note);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new JournalException(describe(file, e), e);
    }
  }

  @Override
  public void close() {
    try (Connection r = reader) {
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
