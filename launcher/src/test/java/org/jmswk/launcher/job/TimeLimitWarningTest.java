package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jmswk.executor.TimeLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warning's settings as jmswk sub makes them, and the end reason it makes of the executor's record. */
class TimeLimitWarningTest {
  @Test
  void theLeadIsAskedForOrAtMostAQuarterOfTheLimit() {
    TimeLimit quarter = TimeLimitWarning.of(Duration.ofSeconds(20), Map.of(), 1_000);
    assertEquals(new TimeLimit(21_000, 5_000, null), quarter);
    assertEquals(60_000, TimeLimitWarning.of(Duration.ofHours(2), Map.of(), 0).leadMillis(), "60 s by default");
    TimeLimit asked = TimeLimitWarning.of(Duration.ofMinutes(10), TimeLimitWarning.parse("SIGUSR2@90"), 0);
    assertEquals(new TimeLimit(600_000, 90_000, "USR2"), asked);
    assertEquals(Map.of(TimeLimit.SIGNAL, "USR1", TimeLimit.LEAD, "60"), TimeLimitWarning.parse("10"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> TimeLimitWarning.check(Map.of(TimeLimit.LEAD, "-3")));
    assertTrue(bad.getMessage().contains(TimeLimit.LEAD), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TimeLimitWarning.parse("USR1@"));
  }

  @Test
  void theEndReasonSaysHowFarTheJobGotAndWhetherItCanResume(@TempDir Path job) throws Exception {
    assertNull(TimeLimitWarning.endReason(job), "no record: the executor did not stop at the limit");
    Files.writeString(job.resolve(TimeLimit.RECORD), "done=734\ntotal=1000\nresumable=true\n");
    assertEquals("time limit; 734 of 1000 tasks done, resumable", TimeLimitWarning.endReason(job));
    Files.writeString(job.resolve(TimeLimit.RECORD), "done=5\ntotal=9\nresumable=false\n");
    assertEquals("time limit; 5 of 9 tasks done, not resumable (no journal: everything runs again)",
        TimeLimitWarning.endReason(job));
    TimeLimitWarning.clearRecord(job);
    assertNull(TimeLimitWarning.endReason(job), "a job run again starts without the earlier record");
  }
}
