package org.jmswk.launcher.timeline;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * The timeline as one self-contained HTML file with an inline SVG (no script, no fetch): lanes
 * down, time across, a legend, run starts and node exclusions as vertical lines, and a tooltip
 * ({@code <title>}) on every bar and mark. Elements carry classes ({@code lane}, {@code bar
 * done|rerun|failed|lost|busy}, {@code mark failed|lost|rerun|worker-lost|worker-started|
 * node-excluded|...}) so that tools and tests can find them.
 */
final class TimelineHtml {
  static final int LABEL_WIDTH = 300;
  static final int PLOT_WIDTH = 1200;
  static final int TOP = 70;

  private TimelineHtml() {}

  static void write(TimelineLayout l, Writer out) throws IOException {
    int lanes = Math.max(1, l.lanes.size());
    double laneHeight = Math.clamp(4000.0 / lanes, 2, 18);
    int height = (int) Math.ceil(TOP + lanes * laneHeight + 30);
    int width = LABEL_WIDTH + PLOT_WIDTH + 20;
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jmswk job " + esc(l.jobId)
        + " timeline</title>\n<style>\n"
        + "body{font:13px sans-serif;margin:12px;color:#222}\n"
        + ".bar.done{fill:#4e79a7}.bar.rerun{fill:#f28e2b}.bar.failed{fill:#e15759}.bar.lost{fill:#7b0000}"
        + ".bar.busy{fill:#4e79a7}\n"
        + ".mark.failed{fill:#e15759}.mark.lost,.mark.worker-lost,.mark.worker-start-failed,.mark.task-failed"
        + "{stroke:#7b0000;stroke-width:2;fill:none}.mark.rerun{fill:#f28e2b}.mark.worker-started{stroke:#59a14f;"
        + "stroke-width:2}.mark.node-excluded{stroke:#7b0000;stroke-width:2;stroke-dasharray:6 3}"
        + ".run-start{stroke:#888;stroke-dasharray:2 4}\n"
        + "text{font:11px sans-serif}.lane-label{fill:#333}.axis{fill:#666}.lane-bg{fill:#f4f4f4}\n"
        + "</style></head><body>\n");
    out.write("<h1 style=\"font-size:16px\">jmswk job " + esc(l.jobId) + ": " + l.attempts + " task attempts, "
        + l.lanes.size() + " worker lanes, " + l.runs.size() + " run" + (l.runs.size() == 1 ? "" : "s") + ", "
        + l.seconds(l.t1) + "</h1>\n");
    if (l.aggregated) {
      out.write("<p class=\"aggregated\">Too many attempts for a bar each: each lane shows how busy the worker was"
          + " in " + l.bins + " time bins (darker: busier); marks show bins with failures, losses or re-runs.</p>\n");
    }
    out.write("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 "
        + width + " " + height + "\">\n");
    legend(out);
    axis(l, out, height);
    for (int i = 0; i < l.lanes.size(); i++) {
      TimelineLayout.Lane lane = l.lanes.get(i);
      double y = TOP + i * laneHeight;
      out.write("<g class=\"lane\" data-run=\"" + lane.run() + "\" data-worker=\"" + lane.worker() + "\">");
      if (i % 2 == 0) {
        out.write(String.format(Locale.ROOT, "<rect class=\"lane-bg\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"/>",
            LABEL_WIDTH, y, PLOT_WIDTH, laneHeight));
      }
      if (laneHeight >= 9) {
        out.write(String.format(Locale.ROOT, "<text class=\"lane-label\" x=\"4\" y=\"%.1f\">%s</text>",
            y + laneHeight - 4, esc(lane.label())));
      }
      out.write("</g>\n");
    }
    for (TimelineLayout.Bar b : l.bars) {
      double y = TOP + b.lane() * laneHeight + laneHeight * 0.15;
      double x = x(l, b.start());
      double w = Math.max(0.6, x(l, b.end()) - x);
      String opacity = b.kind().equals("busy") ? String.format(Locale.ROOT, " fill-opacity=\"%.1f\"", b.busy()) : "";
      out.write(String.format(Locale.ROOT, "<rect class=\"bar %s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"%s>"
          + "<title>%s</title></rect>\n", b.kind(), x, y, w, laneHeight * 0.7, opacity, esc(b.title())));
    }
    for (TimelineLayout.Mark m : l.marks) mark(l, m, laneHeight, height, out);
    out.write("</svg>\n</body></html>\n");
  }

  private static void legend(Writer out) throws IOException {
    String[][] items = {{"bar done", "done"}, {"bar rerun", "done on a re-run"}, {"bar failed", "failed (threw)"},
        {"bar lost", "lost with its worker"}};
    int x = LABEL_WIDTH;
    for (String[] it : items) {
      out.write("<rect class=\"legend " + it[0] + "\" x=\"" + x + "\" y=\"8\" width=\"14\" height=\"10\"/><text x=\"" + (x + 18)
          + "\" y=\"17\">" + it[1] + "</text>");
      x += 150;
    }
    out.write("<line class=\"legend mark worker-lost\" x1=\"" + (x + 7) + "\" y1=\"6\" x2=\"" + (x + 7) + "\" y2=\"20\"/><text x=\""
        + (x + 14) + "\" y=\"17\">worker lost</text>");
    x += 110;
    out.write("<line class=\"legend mark node-excluded\" x1=\"" + (x + 7) + "\" y1=\"6\" x2=\"" + (x + 7) + "\" y2=\"20\"/><text x=\""
        + (x + 14) + "\" y=\"17\">node excluded</text>\n");
  }

  private static void axis(TimelineLayout l, Writer out, int height) throws IOException {
    double span = (l.t1 - l.t0) / 1e6;
    double step = niceStep(span / 10);
    for (double s = 0; s <= span + 1e-9; s += step) {
      double x = LABEL_WIDTH + s / span * PLOT_WIDTH;
      out.write(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
          + "<text class=\"axis\" x=\"%.1f\" y=\"%d\">%s s</text>\n", x, TOP - 8, x, height - 24, x + 2, TOP - 12,
          trim(s)));
    }
    for (var r : l.runs) {
      if (r.startedMicros() < l.t0 || r.startedMicros() > l.t1) continue;
      double x = x(l, r.startedMicros());
      out.write(String.format(Locale.ROOT, "<line class=\"run-start\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
          + "<text class=\"axis\" x=\"%.1f\" y=\"%d\">run %d</text>\n", x, TOP - 30, x, height - 24, x + 2, TOP - 30, r.run()));
    }
  }

  private static void mark(TimelineLayout l, TimelineLayout.Mark m, double laneHeight, int height, Writer out)
      throws IOException {
    double x = x(l, m.at());
    String title = "<title>" + esc(m.title()) + "</title>";
    if (m.lane() < 0) {
      String text = m.kind().equals("node-excluded") ? "<text class=\"axis\" x=\"" + fmt(x + 3) + "\" y=\"" + (height - 10)
          + "\">" + esc(m.title()) + "</text>" : "";
      out.write("<g class=\"mark " + m.kind() + "\"><line class=\"mark " + m.kind() + "\" x1=\"" + fmt(x) + "\" y1=\""
          + TOP + "\" x2=\"" + fmt(x) + "\" y2=\"" + (height - 24) + "\">" + title + "</line>" + text + "</g>\n");
      return;
    }
    double top = TOP + m.lane() * laneHeight;
    double r = Math.max(2, laneHeight * 0.4);
    double cy = top + laneHeight / 2;
    switch (m.kind()) {
      case "failed", "rerun" -> out.write("<path class=\"mark " + m.kind() + "\" d=\"M" + fmt(x - r) + " " + fmt(top)
          + " L" + fmt(x + r) + " " + fmt(top) + " L" + fmt(x) + " " + fmt(top + 2 * r) + " Z\">" + title + "</path>\n");
      case "worker-started" -> out.write("<line class=\"mark worker-started\" x1=\"" + fmt(x) + "\" y1=\"" + fmt(top)
          + "\" x2=\"" + fmt(x) + "\" y2=\"" + fmt(top + laneHeight) + "\">" + title + "</line>\n");
      default -> out.write("<path class=\"mark " + m.kind() + "\" d=\"M" + fmt(x - r) + " " + fmt(cy - r) + " L" + fmt(x + r)
          + " " + fmt(cy + r) + " M" + fmt(x - r) + " " + fmt(cy + r) + " L" + fmt(x + r) + " " + fmt(cy - r) + "\">"
          + title + "</path>\n"); // a cross: lost attempts, workers lost
    }
  }

  private static double x(TimelineLayout l, long t) {
    return LABEL_WIDTH + (double) (t - l.t0) / (l.t1 - l.t0) * PLOT_WIDTH;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static double niceStep(double raw) {
    if (raw <= 0) return 1;
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  private static String trim(double s) {
    String v = String.format(Locale.ROOT, "%.3f", s);
    return v.replaceAll("\\.?0+$", "");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return b.toString();
  }
}
