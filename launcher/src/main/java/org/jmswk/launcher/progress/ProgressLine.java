package org.jmswk.launcher.progress;

import java.util.Locale;

/**
 * The text of the progress bar and of the log line, from successive snapshots: the rate is a
 * moving average of tasks ended per second between snapshots, the ETA the tasks left at that rate.
 */
final class ProgressLine {
  private ProgressSnapshot previous;
  private double rate = -1;

  /** Takes a new snapshot into the rate (snapshots with the same time are the same one). */
  void update(ProgressSnapshot s) {
    if (previous != null && s.timeMillis() > previous.timeMillis()) {
      double r = (s.finished() - previous.finished()) * 1000.0 / (s.timeMillis() - previous.timeMillis());
      rate = rate < 0 ? r : 0.7 * rate + 0.3 * r;
    }
    if (previous == null || s.timeMillis() > previous.timeMillis()) previous = s;
  }

  ProgressSnapshot last() {
    return previous;
  }

  /** Tasks per second, or -1 before two snapshots. */
  double rate() {
    return rate;
  }

  /** "620/1000 done · 3 failed · ...", the figures without the bar. */
  String figures() {
    ProgressSnapshot s = previous;
    StringBuilder b = new StringBuilder();
    b.append(s.done()).append('/').append(s.submitted()).append(" done");
    b.append(" · ").append(s.failed()).append(" failed");
    b.append(" · ").append(s.retried()).append(" retried");
    b.append(" · ").append(s.running()).append(" running");
    b.append(" · ").append(rate < 0 ? "-" : String.format(Locale.ROOT, rate >= 100 ? "%.0f" : "%.1f", rate)).append("/s");
    b.append(" · ETA ").append(eta());
    b.append(" · ").append(s.workers()).append(s.workers() == 1 ? " worker" : " workers");
    b.append(" · ").append(s.nodesLost()).append(s.nodesLost() == 1 ? " node lost" : " nodes lost");
    return b.toString();
  }

  String eta() {
    ProgressSnapshot s = previous;
    long left = s.submitted() - s.finished();
    if (left <= 0) return "0:00";
    if (rate <= 0) return "-";
    return hms(Math.round(left / rate));
  }

  static String hms(long seconds) {
    long h = seconds / 3600;
    long m = (seconds / 60) % 60;
    long sec = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
  }

  /** The bar line, at most {@code width} columns: a bar, the percentage, then as many figures as fit. */
  String bar(int width) {
    ProgressSnapshot s = previous;
    double share = s.submitted() == 0 ? 0 : Math.min(1, (double) s.finished() / s.submitted());
    int cells = 24;
    int full = (int) Math.floor(share * cells);
    String text = "[" + "#".repeat(full) + "-".repeat(cells - full) + "] "
        + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(share * 100)) + " " + figures();
    return text.length() <= width ? text : text.substring(0, Math.max(0, width));
  }
}
