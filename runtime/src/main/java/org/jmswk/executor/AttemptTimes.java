package org.jmswk.executor;

/**
 * When each task of one results frame ran, from what the master has anyway: the frame's arrival
 * time and the worker's own run time per task. A worker runs its tasks one after the other and
 * sends a frame as soon as its queue runs dry (or after a short flush bound), so the last task
 * ended about when the frame arrived and each earlier one ended when the next began. A task
 * never starts before it was sent. No clock is read on the worker and nothing is added to the
 * wire.
 */
final class AttemptTimes {
  private AttemptTimes() {}

  /**
   * Fills {@code start} and {@code end} (microseconds) for the frame's tasks in the order the
   * worker ran them: {@code nanos[i]} is task i's run time, {@code sent[i]} when it was sent
   * (0: unknown).
   */
  static void fill(long arrivalMicros, long[] nanos, long[] sent, long[] start, long[] end) {
    long cursor = arrivalMicros;
    for (int i = nanos.length - 1; i >= 0; i--) {
      end[i] = cursor;
      long s = cursor - Math.max(0, nanos[i]) / 1000;
      if (s < sent[i]) s = Math.min(sent[i], cursor);
      start[i] = s;
      cursor = s;
    }
  }
}
