package org.jmswk.executor;

/**
 * Wall-clock time in microseconds, read from the monotonic clock after one reading of the
 * system clock: cheap enough to call per frame, and times within a run never go backwards
 * (an NTP step does not bend a job's timeline).
 */
public final class WallClock {
  private static final long BASE_MICROS = System.currentTimeMillis() * 1000;
  private static final long BASE_NANOS = System.nanoTime();

  private WallClock() {}

  /** Microseconds since the epoch. */
  public static long micros() {
    return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000;
  }
}
