package org.jmswk.launcher.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import org.jmswk.journal.JournalTimeline;
import org.junit.jupiter.api.Test;

/** What the timeline draws: a bar per attempt for small jobs, bounded aggregates for large ones. */
class TimelineLayoutTest {
  private static JournalTimeline job(int attempts, int workers, long taskMicros) {
    JournalTimeline.Attempts a = new JournalTimeline.Attempts(attempts <= 1000);
    long[] clock = new long[workers];
    for (int i = 0; i < attempts; i++) {
      int w = i % workers;
      byte outcome = i % 1000 == 7 ? JournalTimeline.FAILED : i % 5000 == 11 ? JournalTimeline.LOST : JournalTimeline.DONE;
      a.add(1, w, clock[w], clock[w] + taskMicros, outcome, i % 5000 == 12 ? 2 : 1, a.key == null ? null : "k" + i);
      clock[w] += taskMicros + 10;
    }
    List<JournalTimeline.Event> events = List.of(
        new JournalTimeline.Event(1, "worker-started", 0, "hostA", "nodeA", 0, ""),
        new JournalTimeline.Event(1, "worker-lost", 1, "hostB", "nodeB", clock[1] / 2, "silent"),
        new JournalTimeline.Event(1, "node-excluded", -1, "", "nodeB", clock[1] / 2 + 5, "nodeB"));
    return new JournalTimeline("77", a, events, List.of(new JournalTimeline.Run(1, 0, clock[0])));
  }

  @Test
  void aSmallJobGetsABarPerAttemptAndAMarkPerFailureAndLoss() throws Exception {
    TimelineLayout l = TimelineLayout.of(job(1000, 4, 1000), 20_000);
    assertFalse(l.aggregated);
    assertEquals(4, l.lanes.size());
    assertEquals(1000, l.bars.size());
    assertEquals("run 1 · worker 0 · hostA (nodeA)", l.lanes.get(0).label());
    assertEquals(1, l.bars.stream().filter(b -> b.kind().equals("failed")).count());
    assertEquals(1, l.bars.stream().filter(b -> b.kind().equals("lost")).count());
    assertEquals(1, l.bars.stream().filter(b -> b.kind().equals("rerun")).count());
    assertTrue(l.bars.get(7).title().startsWith("k7 · attempt 1 · failed"), l.bars.get(7).title());
    assertEquals(1, l.marks.stream().filter(m -> m.kind().equals("worker-lost") && m.lane() == 1).count());
    assertEquals(1, l.marks.stream().filter(m -> m.kind().equals("node-excluded") && m.lane() == -1).count());
  }

  @Test
  void aMillionAttemptsGiveABoundedPictureWithTheFailuresStillMarked() throws Exception {
    TimelineLayout l = TimelineLayout.of(job(1_000_000, 64, 500), 20_000);
    assertTrue(l.aggregated);
    assertEquals(64, l.lanes.size());
    assertTrue(l.bars.size() <= 20_000, "bars: " + l.bars.size());
    long failedMarks = l.marks.stream().filter(m -> m.kind().equals("failed")).count();
    assertTrue(failedMarks > 0 && failedMarks <= 64L * l.bins, "failed marks: " + failedMarks);
    assertTrue(l.bars.stream().allMatch(b -> b.busy() > 0 && b.busy() <= 1));
    assertTrue(l.bars.stream().anyMatch(b -> b.busy() > 0.9), "workers busy back to back show as busy");
    StringWriter html = new StringWriter();
    TimelineHtml.write(l, html);
    assertTrue(html.toString().length() < 10_000_000, "picture size: " + html.toString().length());
    assertTrue(TraceExport.json(l).length() < 20_000_000);
  }

  @Test
  void theTraceHasAThreadPerWorkerAndACompleteEventPerBar() {
    TimelineLayout l = TimelineLayout.of(job(10, 2, 1000), 20_000);
    String json = TraceExport.json(l);
    assertEquals(10, json.split("\"ph\": \"X\"", -1).length - 1);
    assertEquals(2, json.split("\"name\": \"thread_name\"", -1).length - 1);
    assertTrue(json.contains("\"name\": \"worker-lost\"") && json.contains("\"s\": \"g\""), json);
  }
}
