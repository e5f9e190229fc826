package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The time limit as the master reads it from its environment, and how much work still fits. */
class TimeLimitTest {
  @Test
  void readFromTheEnvironmentWithClearErrors() {
    assertNull(TimeLimit.fromEnv(Map.of()), "no limit: none");
    TimeLimit t = TimeLimit.fromEnv(Map.of(TimeLimit.AT, "100000", TimeLimit.LEAD, "30", TimeLimit.SIGNAL, "sigusr1"));
    assertEquals(new TimeLimit(100_000, 30_000, "USR1"), t);
    assertEquals(70_000, t.warnAt());
    assertEquals(85_000, t.stopAt(), "halfway through the lead");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TimeLimit.fromEnv(Map.of(TimeLimit.AT, "soon")));
    assertTrue(e.getMessage().contains(TimeLimit.AT) && e.getMessage().contains("soon"), e.getMessage());
  }

  @Test
  void roomCountsWhatEndsBeforeTheStopByTheMeasuredTaskTime() {
    TimeLimit t = new TimeLimit(20_000, 10_000, null); // stop at 15 s
    assertEquals(Long.MAX_VALUE, t.room(0, 0, 0), "nothing measured yet");
    assertEquals(15, t.room(0, 0, 1e9), "15 tasks of 1 s");
    assertEquals(5, t.room(10_000, 0, 1e9));
    assertEquals(2, t.room(10_000, 3, 1e9), "those in flight come first");
    assertEquals(0, t.room(14_500, 0, 1e9), "half a second left: a task of 1 s does not fit");
    assertEquals(0, t.room(16_000, 0, 1e9));
  }

  @Test
  void aWarningSignalBringsTheEndForwardNeverBack() {
    TimeLimit t = new TimeLimit(100_000, 10_000, "USR1");
    assertEquals(new TimeLimit(30_000, 10_000, "USR1"), t.warnedAt(20_000), "warned early (preempted): now + lead");
    assertSame(t, t.warnedAt(95_000), "warned late: the end stays");
  }
}
