package org.jmswk.launcher.controller;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A workload file in the malleable-MPI runtime's format: one application a line,
 * {@code name:node:nprocs[:node:nprocs...]} (e.g. {@code sweep:node1:2:node2:1}: application
 * {@code sweep} with 2 workers on node1 and 1 on node2). Applications are numbered from 0 in
 * file order, as the original's controller does. Blank lines and lines starting with {@code #}
 * are skipped. Every bad line is an error naming {@code file:line}; nothing of a file with one is
 * started.
 */
public final class Workload {
  /** One application: its number, name, workers per node, and the line it came from. */
  public record App(int id, String name, Map<String, Integer> placement, int line) {
    public App {
      placement = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(placement));
    }

    /** Its workers over every node. */
    public int workers() {
      return placement.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The placement as the original writes it: {@code node1:2:node2:1}. */
    public String placementText() {
      StringBuilder b = new StringBuilder();
      placement.forEach((n, c) -> b.append(b.isEmpty() ? "" : ":").append(n).append(':').append(c));
      return b.toString();
    }
  }

  static final int MAX_WORKERS = 4096;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private Workload() {}

  public static List<App> read(Path file) throws IOException {
    return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static List<App> parse(Path file, List<String> lines) {
    List<App> apps = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      apps.add(app(file + ":" + (i + 1), apps.size(), line, i + 1));
    }
    if (apps.isEmpty()) {
      throw new IllegalArgumentException(file + ": names no application (one a line: name:node:nprocs[:node:nprocs...])");
    }
    return apps;
  }

  private static App app(String where, int id, String line, int lineNumber) {
    String[] f = line.split(":", -1);
    if (f.length < 3 || f.length % 2 == 0) {
      throw new IllegalArgumentException(where + ": expected name:node:nprocs[:node:nprocs...], got '" + line + "'");
    }
    String name = name(where, "application name", f[0]);
    Map<String, Integer> placement = new LinkedHashMap<>();
    for (int k = 1; k < f.length; k += 2) {
      String node = name(where, "node name", f[k]);
      int n;
      try {
        n = Integer.parseInt(f[k + 1]);
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > MAX_WORKERS) {
        throw new IllegalArgumentException(where + ": nprocs for node " + node + " must be a whole number from 1 to "
            + MAX_WORKERS + ", not '" + f[k + 1] + "'");
      }
      if (placement.putIfAbsent(node, n) != null) {
        throw new IllegalArgumentException(where + ": node " + node + " is named twice for application " + name);
      }
    }
    return new App(id, name, placement, lineNumber);
  }

  private static String name(String where, String what, String s) {
    if (!NAME.matcher(s).matches()) {
      throw new IllegalArgumentException(where + ": " + what + " must be letters, digits, '.', '_' or '-' (not starting"
          + " with one of the last three), not '" + s + "'");
    }
    return s;
  }
}
