package org.jmswk.executor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The results of {@link FarmExecutor#map}: no future per element, one slot each. Iterate in
 * input order ({@link #iterator()}, each {@code next} waits for that element), or as they
 * arrive ({@link #asCompleted()}). An element whose task threw yields its
 * {@link RemoteTaskException} (thrown from {@code next}); a lost one a {@link TaskLostException}.
 * Waits end when the element ends, and every element ends (with its output or a failure)
 * within the liveness bound of the workers running it.
 */
public final class MapResult<R> implements Iterable<R> {
  /** An element's index in the input and its value. */
  public record Indexed<R>(int index, R value) {}

  private final Object[] values;
  private final int[] completionOrder;
  private int completed;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final Codec<R> codec;

  MapResult(int size, Codec<R> codec) {
    this.values = new Object[size];
    this.completionOrder = new int[size];
    this.codec = codec;
  }

  private record Failure(RuntimeException error) {}

  public int size() {
    return values.length;
  }

  /** Elements ended so far. */
  public int completed() {
    lock.lock();
    try {
      return completed;
    } finally {
      lock.unlock();
    }
  }

  void deliver(int index, byte[] output) {
    Object v;
    try {
      v = codec.decode(output);
    } catch (RuntimeException e) {
      v = new Failure(e);
    }
    set(index, v == null ? NULL : v);
  }

  /** A chunk's outcomes from {@code from} on, decoded outside the lock and published under it once. */
  void deliverRange(int from, byte[][] outputs, RuntimeException[] failures) {
    Object[] decoded = new Object[outputs.length];
    for (int k = 0; k < outputs.length; k++) {
      RuntimeException f = failures == null ? null : failures[k];
      if (f != null) {
        decoded[k] = new Failure(f);
        continue;
      }
      try {
        Object v = codec.decode(outputs[k]);
        decoded[k] = v == null ? NULL : v;
      } catch (RuntimeException e) {
        decoded[k] = new Failure(e);
      }
    }
    lock.lock();
    try {
      for (int k = 0; k < decoded.length; k++) {
        if (values[from + k] != null) continue;
        values[from + k] = decoded[k];
        completionOrder[completed++] = from + k;
      }
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void fail(int index, RuntimeException error) {
    set(index, new Failure(error));
  }

  private static final Object NULL = new Object();

  private void set(int index, Object v) {
    lock.lock();
    try {
      if (values[index] != null) return; // ended already: exactly once
      values[index] = v;
      completionOrder[completed++] = index;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @SuppressWarnings("unchecked")
  private R value(Object v) {
    if (v instanceof Failure f) throw f.error;
    return v == NULL ? null : (R) v;
  }

  /** Waits for element {@code index}; its value, or its failure thrown. */
  public R get(int index) throws InterruptedException {
    lock.lock();
    try {
      while (values[index] == null) arrived.await();
      return value(values[index]);
    } finally {
      lock.unlock();
    }
  }

  /** Waits for element {@code nth}; returns the end of the run of set elements from it. */
  private int awaitPrefix(int nth) {
    lock.lock();
    try {
      while (values[nth] == null) arrived.awaitUninterruptibly();
      int end = nth + 1;
      while (end < values.length && values[end] != null) end++;
      return end;
    } finally {
      lock.unlock();
    }
  }

  private Object await(int nth, boolean inOrder) {
    lock.lock();
    try {
      while (inOrder ? values[nth] == null : completed <= nth) arrived.awaitUninterruptibly();
      return inOrder ? values[nth] : completionOrder[nth];
    } finally {
      lock.unlock();
    }
  }

  /** In input order; {@code next} waits for the element and throws its failure. */
  @Override
  public Iterator<R> iterator() {
    return new Iterator<>() {
      int next;
      /** Elements below this were seen set under the lock (slots never change once set). */
      int known;

      public boolean hasNext() {
        return next < values.length;
      }

      public R next() {
        if (next >= values.length) throw new NoSuchElementException();
        if (next >= known) known = awaitPrefix(next);
        return value(values[next++]);
      }
    };
  }

  /** As they end; {@code next} waits for the next one and throws its failure. */
  public Iterator<Indexed<R>> asCompleted() {
    return new Iterator<>() {
      int next;

      public boolean hasNext() {
        return next < values.length;
      }

      public Indexed<R> next() {
        if (next >= values.length) throw new NoSuchElementException();
        int index = (int) await(next++, false);
        return new Indexed<>(index, value(values[index]));
      }
    };
  }

  /** Every value in input order; throws the first failure in that order. */
  public List<R> toList() {
    List<R> all = new ArrayList<>(values.length);
    for (R r : this) all.add(r);
    return all;
  }
}
