package org.jmswk.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A node description file in the malleable-MPI runtime's format: one node per line,
 * {@code name:cores[:alias[:cost[:power]]]}, e.g. {@code node1:12:fast:0.5:3}. {@code power} is
 * the relative compute power of one worker (one core) on that node (default 1); {@code cost}
 * what a worker there costs (default 0, kept for the scheduler's use, not used to balance);
 * {@code alias} another name the node is known by, which several nodes may share (the original
 * uses it as the node's class; default its name). Blank lines and lines
 * starting with {@code #} are skipped. Unlike the original (which skips a repeated node and
 * reads a bad number as 0) every bad line is an error naming {@code file:line}, and nothing of a
 * file with one is used.
 */
public final class NodeFile {
  /** One node's description. */
  public record Node(String name, int cores, String alias, double cost, double power) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final int MAX_CORES = 1 << 20;
  private static final Pattern DECIMAL = Pattern.compile("(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");

  private final Path file;
  private final Map<String, Node> byName;

  private NodeFile(Path file, Map<String, Node> byName) {
    this.file = file;
    this.byName = byName;
  }

  /** Reads and checks {@code file}; IllegalArgumentException naming file:line on the first bad line. */
  public static NodeFile read(Path file) throws IOException {
    return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static NodeFile parse(Path file, List<String> lines) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    Map<String, Integer> seenAt = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1);
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      Node n = node(where, line);
      Integer earlier = seenAt.get(n.name());
      if (earlier != null) {
        throw new IllegalArgumentException(where + ": node '" + n.name() + "' is already described on line " + earlier);
      }
      seenAt.put(n.name(), i + 1);
      nodes.put(n.name(), n);
    }
    if (nodes.isEmpty()) throw new IllegalArgumentException(file + ": describes no node (one per line: name:cores[:alias[:cost[:power]]])");
    return new NodeFile(file, nodes);
  }

  private static Node node(String where, String line) {
    String[] f = line.split(":", -1);
    if (f.length < 2 || f.length > 5) {
      throw new IllegalArgumentException(where + ": expected name:cores[:alias[:cost[:power]]], got " + f.length
          + " field" + (f.length == 1 ? "" : "s") + " in '" + line + "'");
    }
    String name = name(where, "name", f[0]);
    int cores;
    try {
      cores = Integer.parseInt(f[1]);
    } catch (NumberFormatException e) {
      cores = -1;
    }
    if (cores < 1 || cores > MAX_CORES) {
      throw new IllegalArgumentException(where + ": cores must be a whole number from 1 to " + MAX_CORES + ", not '" + f[1] + "'");
    }
    String alias = f.length > 2 && !f[2].isEmpty() ? name(where, "alias", f[2]) : name;
    double cost = f.length > 3 && !f[3].isEmpty() ? number(where, "cost", f[3], true) : 0;
    double power = f.length > 4 && !f[4].isEmpty() ? number(where, "power", f[4], false) : 1;
    return new Node(name, cores, alias, cost, power);
  }

  private static String name(String where, String what, String s) {
    if (!NAME.matcher(s).matches()) {
      throw new IllegalArgumentException(where + ": " + what + " must be letters, digits, '.', '_' or '-' (not starting with one of the last three), not '" + s + "'");
    }
    return s;
  }

  private static double number(String where, String what, String s, boolean zeroAllowed) {
    double d = DECIMAL.matcher(s).matches() ? Double.parseDouble(s) : Double.NaN;
    if (!Double.isFinite(d) || (!zeroAllowed && d == 0)) {
      throw new IllegalArgumentException(where + ": " + what + " must be a decimal number " + (zeroAllowed ? ">= 0" : "> 0")
          + ", not '" + s + "'");
    }
    return d;
  }

  /** The nodes in file order. */
  public List<Node> nodes() {
    return new ArrayList<>(byName.values());
  }

  /** The node called {@code name}, else the first whose alias is {@code name}. */
  public Optional<Node> node(String name) {
    Node n = byName.get(name);
    if (n != null) return Optional.of(n);
    return byName.values().stream().filter(x -> x.alias().equals(name)).findFirst();
  }

  public Path file() {
    return file;
  }
}
