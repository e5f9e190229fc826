package org.jmswk.launcher.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jmswk.journal.JournalTimeline;

/**
 * What the timeline shows, independent of how it is drawn: one lane per worker of each run, a
 * bar per task attempt, marks for failures and for worker and node losses. Above {@code maxBars}
 * attempts the bars become aggregates: per lane, the share of each time bin the worker was
 * busy (runs of equal share merged), with a mark per bin that had failures, losses or re-runs;
 * so the picture stays about {@code maxBars} elements whatever the job's size.
 */
final class TimelineLayout {
  /** A worker of one run; host and node as it reported them ("" when unknown). */
  record Lane(int run, int worker, String host, String node) {
    String label() {
      String where = host.isEmpty() ? "" : " · " + host + (node.isEmpty() || node.equals(host) ? "" : " (" + node + ")");
      return "run " + run + " · worker " + worker + where;
    }
  }

  /**
   * A bar: kind done, rerun (a done attempt after a worker died running the task), failed (the
   * handler threw), lost (its worker died), or busy (an aggregate; {@code busy} its share).
   */
  record Bar(int lane, long start, long end, String kind, double busy, String title) {}

  /** A mark at a time: on a lane, or across all lanes ({@code lane} -1, e.g. a node excluded). */
  record Mark(int lane, long at, String kind, String title) {}

  final List<Lane> lanes = new ArrayList<>();
  final List<Bar> bars = new ArrayList<>();
  final List<Mark> marks = new ArrayList<>();
  final List<JournalTimeline.Run> runs;
  final String jobId;
  final long attempts;
  final boolean aggregated;
  final int bins;
  long t0 = Long.MAX_VALUE;
  long t1 = Long.MIN_VALUE;

  private final Map<Long, Integer> laneIndex = new LinkedHashMap<>();

  private TimelineLayout(JournalTimeline t, int maxBars) {
    this.jobId = t.jobId();
    this.runs = t.runs();
    JournalTimeline.Attempts a = t.attempts();
    this.attempts = a.size;
    this.aggregated = a.size > maxBars;
    for (JournalTimeline.Event e : t.events()) {
      if (e.worker() >= 0) lane(e.run(), e.worker(), e.host(), e.node());
      span(e.atMicros(), e.atMicros());
    }
    for (int i = 0; i < a.size; i++) {
      lane(a.run[i], a.worker[i], "", "");
      span(a.start[i], a.end[i]);
    }
    for (JournalTimeline.Run r : runs) {
      if (t0 != Long.MAX_VALUE) span(r.startedMicros(), r.startedMicros()); // a run with nothing recorded stays off
    }
    if (t0 == Long.MAX_VALUE) {
      t0 = 0;
      t1 = 1;
    }
    if (t1 <= t0) t1 = t0 + 1;
    sortLanes();
    this.bins = aggregated ? Math.clamp(maxBars / Math.max(1, lanes.size()), 10, 600) : 0;
    if (aggregated) aggregate(a);
    else eachAttempt(a);
    for (JournalTimeline.Event e : t.events()) {
      String title = e.kind().replace('-', ' ') + (e.node().isEmpty() ? "" : " " + e.node())
          + (e.detail().isEmpty() ? "" : ": " + e.detail()) + " at " + seconds(e.atMicros());
      int lane = e.worker() >= 0 ? laneIndex.get(key(e.run(), e.worker())) : -1;
      marks.add(new Mark(e.kind().equals("node-excluded") ? -1 : lane, e.atMicros(), e.kind(), title));
    }
  }

  static TimelineLayout of(JournalTimeline t, int maxBars) {
    return new TimelineLayout(t, maxBars);
  }

  private static long key(int run, int worker) {
    return ((long) run << 32) | (worker & 0xffffffffL);
  }

  private void lane(int run, int worker, String host, String node) {
    Integer i = laneIndex.get(key(run, worker));
    if (i == null) {
      laneIndex.put(key(run, worker), lanes.size());
      lanes.add(new Lane(run, worker, host, node));
    } else if (lanes.get(i).host().isEmpty() && !host.isEmpty()) {
      lanes.set(i, new Lane(run, worker, host, node));
    }
  }

  /** Lanes by run, then worker; the index follows. */
  private void sortLanes() {
    lanes.sort(Comparator.comparingInt(Lane::run).thenComparingInt(Lane::worker));
    laneIndex.clear();
    for (int i = 0; i < lanes.size(); i++) laneIndex.put(key(lanes.get(i).run(), lanes.get(i).worker()), i);
  }

  private void span(long from, long to) {
    t0 = Math.min(t0, from);
    t1 = Math.max(t1, to);
  }

  String seconds(long micros) {
    return String.format(Locale.ROOT, "%.3f s", (micros - t0) / 1e6);
  }

  private void eachAttempt(JournalTimeline.Attempts a) {
    for (int i = 0; i < a.size; i++) {
      int lane = laneIndex.get(key(a.run[i], a.worker[i]));
      String kind = switch (a.outcome[i]) {
        case JournalTimeline.FAILED -> "failed";
        case JournalTimeline.LOST -> "lost";
        default -> a.attempt[i] > 1 ? "rerun" : "done";
      };
      String title = (a.key == null || a.key[i] == null ? "task" : a.key[i]) + " · attempt " + a.attempt[i] + " · " + kind
          + String.format(Locale.ROOT, " · %.3f ms", (a.end[i] - a.start[i]) / 1e3) + " · from " + seconds(a.start[i]);
      bars.add(new Bar(lane, a.start[i], a.end[i], kind, 1, title));
      if (!kind.equals("done")) marks.add(new Mark(lane, a.end[i], kind, title));
    }
  }

  private void aggregate(JournalTimeline.Attempts a) {
    int lanesN = lanes.size();
    double width = (double) (t1 - t0) / bins;
    double[] busy = new double[lanesN * bins];
    int[][] counts = new int[3][lanesN * bins]; // failed, lost, rerun
    for (int i = 0; i < a.size; i++) {
      int lane = laneIndex.get(key(a.run[i], a.worker[i]));
      int b0 = bin(a.start[i], width);
      int b1 = bin(a.end[i], width);
      for (int b = b0; b <= b1; b++) {
        double lo = Math.max(a.start[i], t0 + b * width);
        double hi = Math.min(a.end[i], t0 + (b + 1) * width);
        if (hi > lo) busy[lane * bins + b] += hi - lo;
      }
      int kind = a.outcome[i] == JournalTimeline.FAILED ? 0 : a.outcome[i] == JournalTimeline.LOST ? 1
          : a.attempt[i] > 1 ? 2 : -1;
      if (kind >= 0) counts[kind][lane * bins + b1]++;
    }
    String[] kinds = {"failed", "lost", "rerun"};
    for (int lane = 0; lane < lanesN; lane++) {
      int runStart = -1;
      int level = 0;
      for (int b = 0; b <= bins; b++) {
        int l = b == bins ? -1 : (int) Math.ceil(10 * Math.min(1, busy[lane * bins + b] / width));
        if (b < bins && l == level && runStart >= 0) continue;
        if (runStart >= 0 && level > 0) {
          long s = t0 + (long) (runStart * width);
          long e = t0 + (long) (b * width);
          bars.add(new Bar(lane, s, e, "busy", level / 10.0, String.format(Locale.ROOT,
              "busy about %d%% from %s to %s", level * 10, seconds(s), seconds(e))));
        }
        runStart = b;
        level = l;
      }
      for (int k = 0; k < 3; k++) {
        for (int b = 0; b < bins; b++) {
          int n = counts[k][lane * bins + b];
          if (n == 0) continue;
          long at = t0 + (long) ((b + 0.5) * width);
          marks.add(new Mark(lane, at, kinds[k], n + " " + kinds[k] + (k == 2 ? " (done after a worker died)" : "")
              + " around " + seconds(at)));
        }
      }
    }
  }

  private int bin(long t, double width) {
    return (int) Math.clamp((long) ((t - t0) / width), 0, bins - 1);
  }
}
