package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** When the tasks of one results frame ran, reconstructed from its arrival and the worker's run times. */
class AttemptTimesTest {
  @Test
  void tasksOfAFrameRanBackToBackEndingAtItsArrival() {
    long[] start = new long[3];
    long[] end = new long[3];
    AttemptTimes.fill(10_000, new long[] {1_000_000, 2_000_000, 3_000_000}, new long[] {1, 1, 1}, start, end);
    assertArrayEquals(new long[] {4_000, 5_000, 7_000}, start);
    assertArrayEquals(new long[] {5_000, 7_000, 10_000}, end);
  }

  @Test
  void noTaskStartsBeforeItWasSent() {
    long[] start = new long[2];
    long[] end = new long[2];
    // the worker reports more time than has passed since the second task was sent (its clock vs ours)
    AttemptTimes.fill(10_000, new long[] {1_000_000, 5_000_000}, new long[] {3_000, 8_000}, start, end);
    assertArrayEquals(new long[] {7_000, 8_000}, start);
    assertArrayEquals(new long[] {8_000, 10_000}, end);
  }
}
