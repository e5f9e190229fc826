package org.jmswk.journal;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jmswk.executor.ExecutorEvent;
import org.jmswk.executor.ExecutorListener;
import org.jmswk.executor.FarmExecutor;

/**
 * A job's journal of tasks and results, so that no finished task is ever run again: attach it
 * to a {@link FarmExecutor} ({@code ExecutorOptions.withListener(journal)}) and submit with
 * {@code submit(key, ...)} or {@code invokeAll}. Every result a worker returns is written to
 * the journal (one transaction for all results that arrive together, shared by every worker
 * whose results arrive meanwhile: a group commit) before its future completes. When the job is
 * run again (same job id), a task submitted again whose result is in the journal (matched by its
 * key, or by the SHA-256 of its input when it has none) has its future completed from the
 * journal and is not run; only the rest run. Tasks of {@code map} are not journalled.
 *
 * <p>Tasks without a key that have the same input share one journal entry: they are assumed to
 * compute the same result. A failure the handler threw is a result too (re-delivered as that
 * {@code RemoteTaskException}); a task lost with its workers is not, and runs again.
 */
public final class Journal implements ExecutorListener, AutoCloseable {
  /** An element the executor was given: its key. */
  private record Entry(String key) {}

  /** Results waiting for the group commit, and the error it ended with. */
  private static final class Batch {
    final List<JournalStore.ResultRow> rows;
    boolean done;
    JournalException error;

    Batch(List<JournalStore.ResultRow> rows) {
      this.rows = rows;
    }
  }

  private final JournalStore store;
  private final ReentrantLock writer = new ReentrantLock();
  private final Queue<Batch> commits = new ConcurrentLinkedQueue<>();
  private final Queue<JournalStore.TaskRow> submittedRows = new ConcurrentLinkedQueue<>();
  private final Queue<String> reruns = new ConcurrentLinkedQueue<>();
  private final Map<Long, Entry> elements = new ConcurrentHashMap<>();
  private final AtomicLong redelivered = new AtomicLong();
  private final AtomicLong executed = new AtomicLong();
  private final ThreadLocal<Object[]> lastKey = new ThreadLocal<>(); // {input, key, hash} from recall to submitted
  private volatile boolean closed;

  private Journal(JournalStore store) {
    this.store = store;
  }

  /** The journal of the job in the environment ({@link JournalSettings#fromEnv}). */
  public static Journal forJob() {
    return open(JournalSettings.fromEnv());
  }

  public static Journal open(JournalSettings settings) {
    return new Journal(JournalStore.open(settings));
  }

  public Path file() {
    return store.file();
  }

  /** This run of the job: 1, then one more each time the job is run again. */
  public int run() {
    return store.run();
  }

  /** What was wrong with the journal when it was opened (and what was done about it), or null. */
  public String note() {
    return store.note();
  }

  /** Tasks of this run completed from the journal, without running. */
  public long redelivered() {
    return redelivered.get();
  }

  /** Results journalled in this run. */
  public long executed() {
    return executed.get();
  }

  /** The journal key of a task: its own key, else "sha256:" and the SHA-256 of its input. */
  public static String key(String key, byte[] input) {
    return key != null ? key : "sha256:" + HexFormat.of().formatHex(sha256(input));
  }

  static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  // ---- the executor's side ---------------------------------------------------------------

  @Override
  public boolean wantsOutcomes() {
    return true;
  }

  @Override
  public Outcome recall(String key, byte[] input) {
    byte[] hash = sha256(input);
    String k = key != null ? key : "sha256:" + HexFormat.of().formatHex(hash);
    lastKey.set(new Object[] {input, k, hash});
    JournalStore.ResultRow r;
    writer.lock();
    try {
      r = store.find(k);
    } finally {
      writer.unlock();
    }
    if (r == null) return null;
    redelivered.incrementAndGet();
    return new Outcome(-1, r.output(), r.failure());
  }

  @Override
  public void submitted(long elementId, String key, byte[] input) {
    Object[] last = lastKey.get();
    String k;
    byte[] hash;
    if (last != null && last[0] == input) {
      k = (String) last[1];
      hash = (byte[]) last[2];
    } else {
      hash = sha256(input);
      k = key != null ? key : "sha256:" + HexFormat.of().formatHex(hash);
    }
    lastKey.remove();
    elements.put(elementId, new Entry(k));
    submittedRows.add(new JournalStore.TaskRow(k, hash));
  }

  @Override
  public void event(ExecutorEvent e) {
    if (e.kind().equals("task-retried")) {
      Entry en = elements.get(e.task());
      if (en != null) reruns.add(en.key());
    }
  }

  @Override
  public void beforeDelivery(List<Outcome> outcomes) {
    List<JournalStore.ResultRow> rows = new ArrayList<>(outcomes.size());
    long now = System.currentTimeMillis();
    for (Outcome o : outcomes) {
      Entry en = elements.remove(o.elementId());
      if (en != null) rows.add(new JournalStore.ResultRow(en.key(), o.output(), o.failure(), now));
    }
    if (!rows.isEmpty()) commit(new Batch(rows));
  }

  /**
   * Group commit: the batch joins the queue; whoever holds the writer writes every queued batch
   * in one transaction (one fsync) and tells each how it went.
   */
  private void commit(Batch mine) {
    if (closed) throw new JournalException("journal " + store.file() + " is closed; the result was not journalled");
    commits.add(mine);
    writer.lock();
    try {
      if (!mine.done) {
        List<Batch> all = new ArrayList<>();
        for (Batch b; (b = commits.poll()) != null; ) all.add(b);
        List<JournalStore.ResultRow> rows = new ArrayList<>();
        for (Batch b : all) rows.addAll(b.rows);
        JournalException error = null;
        try {
          store.write(drain(submittedRows), drain(reruns), rows, redelivered.get());
          executed.addAndGet(rows.size());
        } catch (JournalException e) {
          error = e;
        }
        for (Batch b : all) {
          b.error = error;
          b.done = true;
        }
      }
    } finally {
      writer.unlock();
    }
    if (mine.error != null) throw mine.error;
  }

  private static <T> List<T> drain(Queue<T> q) {
    List<T> out = new ArrayList<>();
    for (T t; (t = q.poll()) != null; ) out.add(t);
    return out;
  }

  /** Writes what is still pending (tasks submitted, re-runs), records the end of the run, and closes the file. */
  @Override
  public void close() {
    writer.lock();
    try {
      if (closed) return;
      closed = true;
      try {
        store.write(drain(submittedRows), drain(reruns), List.of(), redelivered.get());
        store.endRun(redelivered.get());
      } finally {
        store.close();
      }
    } finally {
      writer.unlock();
    }
  }
}
