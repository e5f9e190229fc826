package org.jmswk.executor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keeps the figures of workers that are gone, per node, and adds up a snapshot
 * ({@link ExecutorMetrics}) from them and the live workers' {@link WorkerTally}s. Every call is
 * made under the executor's scheduler lock; the cost is one pass over the live workers and
 * their tasks in flight, paid only when someone asks.
 */
final class MetricsBook {
  private final long startNanos = System.nanoTime();
  /** Per node: the sums of its workers that are gone, and how many were lost. */
  private final TreeMap<String, Sum> retired = new TreeMap<>();
  /** Tasks that failed without any worker (none could be started). */
  private long lostUnplaced;

  /** A mutable sum of tallies for one node. */
  private static final class Sum {
    int workers;
    long running;
    long done;
    long failed;
    long retried;
    long lost;
    long workersLost;
    long compute;
    long communication;

    void add(WorkerTally t) {
      done += t.tasksDone;
      failed += t.tasksFailed;
      retried += t.tasksRetried;
      lost += t.tasksLost;
      compute += t.computeNanos;
      communication += t.sendNanos + t.receiveNanos;
    }

    void add(Sum s) {
      workers += s.workers;
      running += s.running;
      done += s.done;
      failed += s.failed;
      retried += s.retried;
      lost += s.lost;
      workersLost += s.workersLost;
      compute += s.compute;
      communication += s.communication;
    }

    ExecutorMetrics.NodeMetrics toMetrics(String node) {
      return new ExecutorMetrics.NodeMetrics(node, workers, running, done, failed, retried, lost, workersLost,
          Duration.ofNanos(compute), Duration.ofNanos(communication), Optional.empty());
    }
  }

  /** The name metrics file a worker under: its node, else its host, else "local". */
  static String nodeOf(WorkerLink l) {
    if (!l.node.isEmpty()) return l.node;
    return l.host.isEmpty() ? "local" : l.host;
  }

  /** The node of the worker {@code s} belongs to, as {@link #nodeOf(WorkerLink)} ("" without one). */
  static String nodeOf(Scheduler.Slot s) {
    return s.link instanceof WorkerLink l ? nodeOf(l) : "";
  }

  /** Worker {@code l} is gone ({@code lost}: died or fell silent, not stopped at the end). */
  void retire(WorkerLink l, boolean lost) {
    Sum s = retired.computeIfAbsent(nodeOf(l), k -> new Sum());
    s.add(l.tally);
    if (lost) s.workersLost++;
  }

  void lostUnplaced(long tasks) {
    lostUnplaced += tasks;
  }

  /** Adds up the figures; {@code live}: the scheduler's slots (a lost worker leaves them as it is retired). */
  ExecutorMetrics snapshot(Collection<Scheduler.Slot> live, long queued) {
    TreeMap<String, Sum> nodes = new TreeMap<>();
    for (var e : retired.entrySet()) nodes.computeIfAbsent(e.getKey(), k -> new Sum()).add(e.getValue());
    for (Scheduler.Slot slot : live) {
      if (slot.lost || !(slot.link instanceof WorkerLink l)) continue; // already retired
      Sum s = nodes.computeIfAbsent(nodeOf(l), k -> new Sum());
      s.workers++;
      s.add(l.tally);
      for (Task t : slot.inFlight) s.running += t.size();
    }
    Sum total = new Sum();
    List<ExecutorMetrics.NodeMetrics> out = new ArrayList<>(nodes.size());
    for (var e : nodes.entrySet()) {
      total.add(e.getValue());
      out.add(e.getValue().toMetrics(e.getKey()));
    }
    total.lost += lostUnplaced;
    return new ExecutorMetrics(Instant.now(), Duration.ofNanos(System.nanoTime() - startNanos), queued,
        total.toMetrics(ExecutorMetrics.TOTAL), out);
  }
}
