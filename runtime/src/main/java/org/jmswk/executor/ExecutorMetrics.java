package org.jmswk.executor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a {@link FarmExecutor} has done, per node and in total: an immutable snapshot from
 * {@link FarmExecutor#metrics()}. Counters (tasks done, failed, retried, lost, workers lost,
 * compute and communication time) count from the executor's start, or over an interval for a
 * difference from {@link #since}; gauges (workers, tasks running, tasks queued) are as of
 * {@link #takenAt}. A task is one element (a {@code submit}, or one element of a {@code map}).
 *
 * @param takenAt     when the snapshot was taken
 * @param span        the time the counters cover (since the start, or the interval of {@link #since})
 * @param tasksQueued tasks waiting for a worker (gauge)
 * @param total       every node summed (its {@code node} is {@code "*"}), workers lost before a
 *                    node was known included
 * @param nodes       one entry per node that ever had a worker, by name
 */
public record ExecutorMetrics(Instant takenAt, Duration span, long tasksQueued, NodeMetrics total,
                              List<NodeMetrics> nodes) {
  public ExecutorMetrics {
    nodes = List.copyOf(nodes);
  }

  /** The name of the total's entry. */
  public static final String TOTAL = "*";

  /**
   * One node's figures.
   *
   * @param node          the node's name (its host when the worker was not started on a named node)
   * @param workers       workers alive on it now (gauge): the pool size
   * @param tasksRunning  tasks its workers hold now, running or sent ahead to run next (gauge)
   * @param tasksDone     tasks that ended on it with an output or the task's own exception
   * @param tasksFailed   of those, the ones that ended with the task's own exception
   * @param tasksRetried  tasks that were running on a worker of it that died, and were queued again
   * @param tasksLost     tasks that failed because workers died running them (their crash limit)
   * @param workersLost   its workers that died or fell silent
   * @param compute       time the workers spent in the task handler (measured on the workers,
   *                      sent back with the results)
   * @param communication time the master spent sending task frames to its workers and reading
   *                      their result frames (waits for a frame to arrive not included)
   * @param io            time in I/O, where measured (not measured by the executor: empty)
   */
  public record NodeMetrics(String node, int workers, long tasksRunning, long tasksDone, long tasksFailed,
                            long tasksRetried, long tasksLost, long workersLost, Duration compute,
                            Duration communication, Optional<Duration> io) {
    /** Counters as the difference from {@code earlier}; gauges stay this snapshot's. */
    NodeMetrics minus(NodeMetrics earlier) {
      if (earlier == null) return this;
      return new NodeMetrics(node, workers, tasksRunning, tasksDone - earlier.tasksDone,
          tasksFailed - earlier.tasksFailed, tasksRetried - earlier.tasksRetried, tasksLost - earlier.tasksLost,
          workersLost - earlier.workersLost, compute.minus(earlier.compute),
          communication.minus(earlier.communication),
          io.map(d -> earlier.io.map(d::minus).orElse(d)));
    }
  }

  /** The node called {@code name}, if it ever had a worker. */
  public Optional<NodeMetrics> node(String name) {
    return nodes.stream().filter(n -> n.node().equals(name)).findFirst();
  }

  /** Workers alive now, over every node. */
  public int poolSize() {
    return total.workers();
  }

  /**
   * The figures of the interval from {@code earlier} (an earlier snapshot of the same executor)
   * to this one: counters as differences, gauges as of now.
   */
  public ExecutorMetrics since(ExecutorMetrics earlier) {
    Map<String, NodeMetrics> before = earlier.nodes.stream()
        .collect(Collectors.toMap(NodeMetrics::node, Function.identity()));
    List<NodeMetrics> delta = new ArrayList<>(nodes.size());
    for (NodeMetrics n : nodes) delta.add(n.minus(before.get(n.node())));
    return new ExecutorMetrics(takenAt, Duration.between(earlier.takenAt, takenAt), tasksQueued,
        total.minus(earlier.total), delta);
  }
}
