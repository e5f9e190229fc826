package org.jmswk.launcher.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress bar's text from the executor's snapshots: counts, rate, ETA, width. */
class ProgressLineTest {
  private static ProgressSnapshot at(long ms, long done, long failed) {
    return new ProgressSnapshot(ms, 0, 1000, done, failed, 2, 8, 8, 1, false);
  }

  @Test
  void rateAndEtaComeFromSuccessiveSnapshots() {
    ProgressLine l = new ProgressLine();
    l.update(at(1_000, 100, 0));
    assertEquals(-1, l.rate());
    assertEquals("-", l.eta());
    l.update(at(2_000, 290, 10)); // 200 ended in 1 s
    assertEquals(200, l.rate(), 1e-9);
    assertEquals("0:04", l.eta(), "700 left at 200/s");
    assertEquals("290/1000 done · 10 failed · 2 retried · 8 running · 200/s · ETA 0:04 · 8 workers · 1 node lost",
        l.figures());
    String bar = l.bar(200);
    assertTrue(bar.startsWith("[#######-----------------]  30% 290/1000 done"), bar);
    assertEquals(40, l.bar(40).length(), "cut to the terminal's width");
    l.update(at(2_000, 290, 10));
    assertEquals(200, l.rate(), 1e-9, "the same snapshot again changes nothing");
  }

  @Test
  void aSnapshotFileIsReadAndAMissingOrTornOneIsNone(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("progress");
    assertNull(ProgressSnapshot.read(f));
    Files.writeString(f, "time_ms=5\nstarted_ms=1\nsubmitted=10\ndone=4\nrecalled=1\nfailed=1\nretried=0\nrunning=2\n"
        + "workers=2\nnodes_lost=0\nended=true\n");
    ProgressSnapshot s = ProgressSnapshot.read(f);
    assertEquals(5, s.finished());
    assertTrue(s.ended());
    Files.writeString(f, "time_ms=5\nstarted_ms=");
    assertNull(ProgressSnapshot.read(f));
  }
}
