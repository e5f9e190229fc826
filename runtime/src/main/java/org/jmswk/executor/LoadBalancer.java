package org.jmswk.executor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a {@link FarmExecutor}'s dispatch weights come from: off (workers take what they have
 * room for), a node description file ({@link NodeFile}: each node's relative power), or
 * measured (each node's rate, elements per second of one worker's handler time, learned from
 * the tasks done so far). Not thread-safe: the executor calls it under its scheduler's lock.
 */
final class LoadBalancer {
  /** The balancing modes ({@code JMSWK_BALANCE}). */
  enum Mode { OFF, POWER, MEASURED }

  private final Mode mode;
  private final NodeFile nodes;

  LoadBalancer(Mode mode, NodeFile nodes) {
    if (mode == Mode.POWER && nodes == null) throw new IllegalArgumentException("balancing by power needs a node file (JMSWK_NODE_FILE)");
    this.mode = mode;
    this.nodes = nodes;
  }

  /**
   * From {@code JMSWK_BALANCE} ({@code off}, {@code power}, {@code measured}; default
   * {@code power} when {@code JMSWK_NODE_FILE} is set, else {@code off}) and {@code
   * JMSWK_NODE_FILE}. IllegalArgumentException naming the variable or the file:line when bad.
   */
  static LoadBalancer fromEnv(Map<String, String> env) throws IOException {
    String file = env.get("JMSWK_NODE_FILE");
    NodeFile nodes = null;
    if (file != null && !file.isBlank()) {
      try {
        nodes = NodeFile.read(Path.of(file.strip()));
      } catch (java.nio.file.NoSuchFileException e) {
        throw new IllegalArgumentException("JMSWK_NODE_FILE names no file: " + file.strip());
      }
    }
    String m = env.getOrDefault("JMSWK_BALANCE", nodes != null ? "power" : "off").strip();
    Mode mode = switch (m) {
      case "off" -> Mode.OFF;
      case "power" -> Mode.POWER;
      case "measured" -> Mode.MEASURED;
      default -> throw new IllegalArgumentException("JMSWK_BALANCE must be off, power or measured, not '" + m + "'");
    };
    if (mode == Mode.POWER && nodes == null) {
      throw new IllegalArgumentException("JMSWK_BALANCE=power needs JMSWK_NODE_FILE (a node description file)");
    }
    return new LoadBalancer(mode, nodes);
  }

  Mode mode() {
    return mode;
  }

  /** The weights to dispatch by now (null when off), given what the executor has measured. */
  DispatchWeights weights(ExecutorMetrics measured, Function<Scheduler.Slot, String> nodeOf) {
    return switch (mode) {
      case OFF -> null;
      case POWER -> byPower(nodeOf);
      case MEASURED -> byRate(measured, nodeOf);
    };
  }

  private DispatchWeights byPower(Function<Scheduler.Slot, String> nodeOf) {
    Map<String, Double> w = new LinkedHashMap<>();
    double sum = 0;
    for (NodeFile.Node n : nodes.nodes()) {
      w.put(n.name(), n.power());
      if (!n.alias().equals(n.name())) w.putIfAbsent(n.alias(), n.power());
      sum += n.power();
    }
    // a worker on a node the file does not describe: the file's mean power
    return new DispatchWeights(w, sum / nodes.nodes().size(), nodeOf);
  }

  private static DispatchWeights byRate(ExecutorMetrics m, Function<Scheduler.Slot, String> nodeOf) {
    Map<String, Double> w = new LinkedHashMap<>();
    double sum = 0;
    for (ExecutorMetrics.NodeMetrics n : m.nodes()) {
      long nanos = n.compute().toNanos();
      if (n.tasksDone() == 0 || nanos <= 0) continue; // nothing learned yet
      double rate = n.tasksDone() / (nanos / 1e9);
      w.put(n.node(), rate);
      sum += rate;
    }
    // nodes not measured yet: the mean of those measured (all equal when none is)
    return new DispatchWeights(w, w.isEmpty() ? 1 : sum / w.size(), nodeOf);
  }

  /** The weights per node as the control command 2 replies them ({@code "*"}: any other node); empty when off. */
  static Map<String, Double> describe(DispatchWeights w) {
    if (w == null) return Map.of();
    Map<String, Double> m = new LinkedHashMap<>(w.byNode());
    m.put(ExecutorMetrics.TOTAL, w.fallback());
    return m;
  }

  /** {@code JMSWK_BALANCE_INTERVAL_MS}: how often measured rates are learned again. */
  static long intervalMillis(Map<String, String> env) {
    String v = env.getOrDefault("JMSWK_BALANCE_INTERVAL_MS", "2000").strip();
    try {
      long ms = Long.parseLong(v);
      if (ms >= 10 && ms <= 3_600_000) return ms;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("JMSWK_BALANCE_INTERVAL_MS must be a whole number from 10 to 3600000, not '" + v + "'");
  }
}
