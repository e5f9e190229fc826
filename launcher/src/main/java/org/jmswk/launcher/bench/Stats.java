package org.jmswk.launcher.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and other small figures for benchmark rounds. */
public final class Stats {
  private Stats() {}

  public static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  public static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  public static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** A text progress bar, e.g. {@code [#####-----] 50%}. */
  public static String bar(int done, int total, int width) {
    int filled = total == 0 ? width : (int) Math.round(width * (double) done / total);
    char[] cells = new char[width];
    Arrays.fill(cells, 0, filled, '#');
    Arrays.fill(cells, filled, width, '-');
    return "[" + new String(cells) + "] " + (total == 0 ? 100 : 100 * done / total) + "%";
  }
}
