package org.jmswk.launcher.job;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Slurm's compact lists: host lists ({@code node[01-03,7],login}) and counts ({@code 2(x3),1}). */
public final class SlurmLists {
  private static final Pattern COUNT = Pattern.compile("(\\d+)(?:\\(x(\\d+)\\))?");

  private SlurmLists() {}

  /** Expands a Slurm host list, keeping zero padding: {@code n[08-10]} is n08, n09, n10. */
  public static List<String> expandNodes(String list) {
    List<String> nodes = new ArrayList<>();
    for (String item : splitTopLevel(list)) {
      int open = item.indexOf('[');
      if (open < 0) {
        if (!item.isBlank()) nodes.add(item.strip());
        continue;
      }
      int close = item.indexOf(']', open);
      if (close < 0) throw new IllegalArgumentException("unclosed '[' in host list " + list);
      String prefix = item.substring(0, open);
      String suffix = item.substring(close + 1);
      for (String range : item.substring(open + 1, close).split(",")) {
        String[] ends = range.split("-", 2);
        int from = Integer.parseInt(ends[0]);
        int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
        if (to < from) throw new IllegalArgumentException("backward range " + range + " in host list " + list);
        int width = ends[0].length();
        for (int n = from; n <= to; n++) nodes.add(prefix + String.format("%0" + width + "d", n) + suffix);
      }
    }
    return nodes;
  }

  /** Expands a Slurm count list such as SLURM_TASKS_PER_NODE: {@code 2(x3),1} is 2, 2, 2, 1. */
  public static List<Integer> expandCounts(String list) {
    List<Integer> counts = new ArrayList<>();
    for (String item : list.split(",")) {
      Matcher m = COUNT.matcher(item.strip());
      if (!m.matches()) throw new IllegalArgumentException("'" + item + "' in " + list + " is not N or N(xM)");
      int repeat = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
      for (int i = 0; i < repeat; i++) counts.add(Integer.parseInt(m.group(1)));
    }
    return counts;
  }

  /** Splits on commas that are not inside brackets. */
  private static List<String> splitTopLevel(String list) {
    List<String> items = new ArrayList<>();
    int depth = 0, start = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '[') depth++;
      else if (c == ']') depth--;
      else if (c == ',' && depth == 0) {
        items.add(list.substring(start, i));
        start = i + 1;
      }
    }
    items.add(list.substring(start));
    return items;
  }
}
