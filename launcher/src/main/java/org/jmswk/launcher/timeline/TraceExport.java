package org.jmswk.launcher.timeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmswk.launcher.Json;

/**
 * The timeline's events in Chrome's Trace Event Format (JSON object form), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: a process per run, a thread per worker, a
 * complete event ("X") per bar, an instant event ("i") per mark, times in microseconds from the
 * job's first event. The same bars as the picture, so an aggregated picture gives an aggregated
 * trace of the same bounded size.
 */
final class TraceExport {
  private TraceExport() {}

  static String json(TimelineLayout l) {
    List<Object> events = new ArrayList<>();
    java.util.Set<Integer> runs = new java.util.TreeSet<>();
    for (TimelineLayout.Lane lane : l.lanes) {
      if (runs.add(lane.run())) events.add(meta("process_name", lane.run(), null, "run " + lane.run()));
      events.add(meta("thread_name", lane.run(), lane.worker(), lane.label()));
    }
    for (TimelineLayout.Bar b : l.bars) {
      TimelineLayout.Lane lane = l.lanes.get(b.lane());
      Map<String, Object> e = event(b.kind().equals("busy") ? "busy " + Math.round(b.busy() * 100) + "%" : b.kind(), "X",
          b.start() - l.t0, lane.run(), lane.worker());
      e.put("cat", b.kind());
      e.put("dur", Math.max(0, b.end() - b.start()));
      e.put("args", Map.of("detail", b.title()));
      events.add(e);
    }
    for (TimelineLayout.Mark m : l.marks) {
      boolean global = m.lane() < 0;
      TimelineLayout.Lane lane = global ? null : l.lanes.get(m.lane());
      Map<String, Object> e = event(m.kind(), "i", m.at() - l.t0, global ? 0 : lane.run(), global ? 0 : lane.worker());
      e.put("cat", "mark");
      e.put("s", global ? "g" : "t");
      e.put("args", Map.of("detail", m.title()));
      events.add(e);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("traceEvents", events);
    doc.put("displayTimeUnit", "ms");
    doc.put("otherData", Map.of("job", l.jobId, "attempts", l.attempts, "aggregated", l.aggregated,
        "epoch_us_of_zero", l.t0));
    return Json.write(doc);
  }

  private static Map<String, Object> event(String name, String phase, long ts, int pid, int tid) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("ph", phase);
    e.put("ts", ts);
    e.put("pid", pid);
    e.put("tid", tid);
    return e;
  }

  private static Map<String, Object> meta(String name, int pid, Integer tid, String value) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("ph", "M");
    e.put("pid", pid);
    if (tid != null) e.put("tid", tid);
    e.put("args", Map.of("name", value));
    return e;
  }
}
