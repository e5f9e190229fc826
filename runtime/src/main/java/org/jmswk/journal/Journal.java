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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
 * whose results arrive meanwhile: a group commit, pipelined on a committer thread so that results
 * arriving during one fsync go in the next transaction) before its future completes. When the job is
 * run again (same job id), a task submitted again whose result is in the journal (matched by its
 * key, or by the SHA-256 of its input when it has none) has its future completed from the
 * journal and is not run; only the rest run. Tasks of {@code map} are not journalled.
 *
 * <p>Tasks without a key that have the same input share one journal entry: they are assumed to
 * compute the same result. A failure the handler threw is a result too (re-delivered as that
 * {@code RemoteTaskException}); a task lost with its workers is not, and runs again.
 *
 * <p>For the job's timeline ({@link JournalTimeline}) the same commits also carry, per result,
 * the worker and attempt that gave it and when it ran, plus worker and node events and the
 * attempts lost with their worker.
 */
public final class Journal implements ExecutorListener, AutoCloseable {
  /** A task as the journal knows it: its key, its id (from a SHA-256, see {@link #id}), the SHA-256 of its input. */
  private record Entry(String key, long id, byte[] hash, long seq) {}

  /** Results waiting for the group commit; {@code durable} completes once they are on disk (or fails with why not). */
  private record Batch(List<JournalStore.ResultRow> rows, CompletableFuture<Void> durable) {}

  private final JournalStore store;
  private final ReentrantLock writer = new ReentrantLock();
  private final LinkedBlockingQueue<Batch> commits = new LinkedBlockingQueue<>();
  /** Writes the queued batches, one transaction at a time: those that arrive during an fsync go in the next one. */
  private final Thread committer;
  private final Queue<JournalStore.TaskRow> submittedRows = new ConcurrentLinkedQueue<>();
  private final Queue<Long> reruns = new ConcurrentLinkedQueue<>();
  /** Worker and node events and lost attempts, for the job's timeline: written with the next commit. */
  private final Queue<JournalStore.EventRow> events = new ConcurrentLinkedQueue<>();
  private final Map<Long, Entry> elements = new ConcurrentHashMap<>();
  private final AtomicLong redelivered = new AtomicLong();
  private final AtomicLong executed = new AtomicLong();
  /** The entry recall made for an input, for submitted to reuse (the same thread calls both in turn). */
  private final ThreadLocal<Object[]> lastEntry = new ThreadLocal<>();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });
  private volatile boolean closed;
  /** Why this run ended early (the time limit), for its row in {@code runs}; null: it did not. */
  private volatile String endNote;
  private volatile java.util.function.Consumer<ExecutorEvent> alsoTold;

  private Journal(JournalStore store) {
    this.store = store;
    this.committer = Thread.ofPlatform().daemon().name("jmswk-journal-commit").start(this::commitLoop);
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
    return SHA256.get().digest(input);
  }

  /**
   * The row id of a task in the journal's tables: the first 8 bytes of its input's SHA-256 when
   * it has no key, else of the SHA-256 of "key:" and its key (the key itself is stored and
   * compared too).
   */
  static long id(String key, byte[] inputHash) {
    byte[] h = key == null ? inputHash : sha256(("key:" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return java.nio.ByteBuffer.wrap(h, 0, 8).getLong();
  }

  private static Entry entryOf(String key, byte[] input) {
    byte[] hash = sha256(input);
    return new Entry(key != null ? key : "sha256:" + HexFormat.of().formatHex(hash), id(key, hash), hash, -1);
  }

  // ---- the executor's side ---------------------------------------------------------------

  @Override
  public boolean wantsOutcomes() {
    return true;
  }

  @Override
  public Outcome recall(String key, byte[] input) {
    Entry e = entryOf(key, input);
    lastEntry.set(new Object[] {input, e});
    JournalStore.ResultRow r = store.find(e.id(), e.key());
    if (r == null) return null;
    lastEntry.remove(); // not submitted: nothing to hand on
    redelivered.incrementAndGet();
    return new Outcome(-1, r.output(), r.failure());
  }

  @Override
  public void submitted(long elementId, String key, byte[] input) {
    Object[] last = lastEntry.get();
    lastEntry.remove();
    Entry found = last != null && last[0] == input ? (Entry) last[1] : entryOf(key, input);
    Entry e = new Entry(found.key(), found.id(), found.hash(), store.nextTaskSeq());
    elements.put(elementId, e);
    submittedRows.add(new JournalStore.TaskRow(e.seq(), e.id(), e.key(), e.hash()));
  }

  /**
   * Also hands every executor event to {@code also} (e.g. a master's log), as the journal is the
   * executor's one listener; returns this journal.
   */
  public Journal alsoTelling(java.util.function.Consumer<ExecutorEvent> also) {
    this.alsoTold = also;
    return this;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public void event(ExecutorEvent e) {
    java.util.function.Consumer<ExecutorEvent> also = alsoTold;
    if (also != null) also.accept(e);
    switch (e.kind()) {
      case "task-retried" -> {
        Entry en = elements.get(e.task());
        if (en != null) reruns.add(en.seq());
      }
      case "task-started", "task-done" -> { } // the results rows say it all
      default -> {
        if (e.kind().equals("time-limit")) endNote = "stopped at the job's time limit: " + e.detail();
        Entry en = e.task() < 0 ? null : elements.get(e.task());
        long at = e.epochMillis() * 1000;
        events.add(new JournalStore.EventRow(e.kind(), e.worker(), e.host(), e.node(), en == null ? null : en.id(),
            en == null ? null : en.key(), 0, at, at, e.detail()));
      }
    }
  }

  /** Waits until the outcomes are journalled (see {@link #beforeDeliveryAsync}); throws if they could not be. */
  @Override
  public void attemptLost(long elementId, int worker, int attempt, long startedMicros, long endedMicros, boolean rerun) {
    Entry en = elements.get(elementId);
    events.add(new JournalStore.EventRow("attempt-lost", worker, "", "", en == null ? null : en.id(),
        en == null ? null : en.key(), attempt, startedMicros, endedMicros,
        rerun ? "worker lost; run again" : "worker lost; crash limit reached, the task failed"));
  }

  @Override
  public void beforeDelivery(List<Outcome> outcomes) {
    try {
      beforeDeliveryAsync(outcomes).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof JournalException j ? j : new JournalException(e.getCause().toString(), e.getCause());
    }
  }

  /**
   * Group commit, pipelined: the outcomes join the queue and the committer thread writes every
   * batch queued in one transaction (one fsync); batches that arrive meanwhile go in the next.
   * The future completes once the transaction that carried them is durable, or fails with the
   * error that transaction ended with (then none of its rows is in the file).
   */
  @Override
  public CompletableFuture<Void> beforeDeliveryAsync(List<Outcome> outcomes) {
    List<JournalStore.ResultRow> rows = new ArrayList<>(outcomes.size());
    long now = System.currentTimeMillis();
    for (Outcome o : outcomes) {
      Entry en = elements.remove(o.elementId());
      if (en != null) {
        rows.add(new JournalStore.ResultRow(en.id(), en.key(), o.output(), o.failure(), now, o.worker(), o.attempt(),
            o.startedMicros(), o.endedMicros()));
      }
    }
    if (rows.isEmpty()) return CompletableFuture.completedFuture(null);
    if (closed) {
      return CompletableFuture.failedFuture(
          new JournalException("journal " + store.file() + " is closed; the result was not journalled"));
    }
    Batch b = new Batch(rows, new CompletableFuture<>());
    commits.add(b);
    if (closed && commits.remove(b)) { // closed meanwhile: the committer may be gone
      b.durable().completeExceptionally(new JournalException("journal " + store.file() + " is closed; the result was not journalled"));
    }
    return b.durable();
  }

  private void commitLoop() {
    List<Batch> all = new ArrayList<>();
    while (true) {
      try {
        Batch first = commits.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && commits.isEmpty()) return;
          continue;
        }
        all.clear();
        all.add(first);
        commits.drainTo(all);
      } catch (InterruptedException e) {
        if (closed && commits.isEmpty()) return;
        continue;
      }
      List<JournalStore.ResultRow> rows = new ArrayList<>();
      for (Batch b : all) rows.addAll(b.rows());
      JournalException error = null;
      writer.lock();
      try {
        store.write(drain(submittedRows), drain(reruns), rows, drain(events), redelivered.get());
        executed.addAndGet(rows.size());
      } catch (JournalException e) {
        error = e;
      } catch (RuntimeException e) { // whatever it was, no batch may pass as written
        error = new JournalException("journal " + store.file() + ": " + e, e);
      } finally {
        writer.unlock();
      }
      for (Batch b : all) {
        if (error == null) b.durable().complete(null);
        else b.durable().completeExceptionally(error);
      }
    }
  }

  private static <T> List<T> drain(Queue<T> q) {
    List<T> out = new ArrayList<>();
    for (T t; (t = q.poll()) != null; ) out.add(t);
    return out;
  }

  /** Writes what is still pending (tasks submitted, re-runs), records the end of the run, and closes the file. */
  @Override
  public void close() {
    if (closed) return;
    closed = true; // no new batch; the queued ones are written first
    try {
      committer.join(java.time.Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Batch b; (b = commits.poll()) != null; ) {
      b.durable().completeExceptionally(new JournalException("journal " + store.file() + " closed before the result was written"));
    }
    writer.lock();
    try {
      try {
        store.write(drain(submittedRows), drain(reruns), List.of(), drain(events), redelivered.get());
        store.endRun(redelivered.get(), endNote);
      } finally {
        store.close();
      }
    } finally {
      writer.unlock();
    }
  }
}
