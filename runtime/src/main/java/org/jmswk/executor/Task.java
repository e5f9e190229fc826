package org.jmswk.executor;

/**
 * One wire task on the master: a submitted task or a chunk of a map, with its scheduling state.
 * Every element has an id of its own ({@link #id} + index), unique in the executor.
 */
abstract class Task {
  /** The id of its first element. */
  final long id;
  /** The worker holding it, or null while it waits (guarded by the scheduler's lock). */
  Scheduler.Slot owner;
  /** How often a worker died while running it. */
  int crashes;
  /** Runs started (1 + re-runs). */
  int attempts;
  /** When it was last sent to a worker (WallClock microseconds). */
  long sentMicros;

  Task(long id) {
    this.id = id;
  }

  abstract int size();

  abstract byte[] input(int element);

  /** Bytes its inputs take on the wire. */
  abstract long bytes();

  /** Cancelled (or otherwise done) before it ran: skip it when dispatching. */
  abstract boolean abandoned();

  /** Element {@code element} ended with {@code output}; called once per element, never under the lock. */
  abstract void deliver(int element, byte[] output);

  /** Element {@code element} ended with {@code error}; called once per element, never under the lock. */
  abstract void fail(int element, RuntimeException error);

  /** Every element's outcome at once: {@code failures} (may be null) wins over {@code outputs}. */
  void deliverAll(byte[][] outputs, RuntimeException[] failures) {
    for (int k = 0; k < size(); k++) {
      RuntimeException f = failures == null ? null : failures[k];
      if (f != null) fail(k, f);
      else deliver(k, outputs[k]);
    }
  }

  final void failAll(RuntimeException error) {
    for (int k = 0; k < size(); k++) fail(k, error);
  }
}
