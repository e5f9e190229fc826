package org.jmswk.executor;

import java.util.Map;
import java.util.function.Function;

/**
 * Each worker's share of the tasks, by the node it runs on: the scheduler gives a worker of a
 * node with weight 3 three times the elements of a worker with weight 1 (see {@link Scheduler}).
 * Weights are scaled so the smallest is 1; a node without one gets {@code fallback}.
 */
final class DispatchWeights {
  private final Map<String, Double> byNode;
  private final double fallback;
  private final Function<Scheduler.Slot, String> nodeOf;

  DispatchWeights(Map<String, Double> byNode, double fallback, Function<Scheduler.Slot, String> nodeOf) {
    double min = fallback;
    for (double w : byNode.values()) min = Math.min(min, w);
    if (!(min > 0) || !Double.isFinite(fallback)) throw new IllegalArgumentException("weights must be > 0: " + byNode);
    Map<String, Double> scaled = new java.util.TreeMap<>();
    for (var e : byNode.entrySet()) scaled.put(e.getKey(), e.getValue() / min);
    this.byNode = java.util.Collections.unmodifiableMap(scaled);
    this.fallback = fallback / min;
    this.nodeOf = nodeOf;
  }

  double of(Scheduler.Slot s) {
    Double w = byNode.get(nodeOf.apply(s));
    return w == null ? fallback : w;
  }

  /** The weights per node (scaled: the smallest is 1). */
  Map<String, Double> byNode() {
    return byNode;
  }

  double fallback() {
    return fallback;
  }
}
