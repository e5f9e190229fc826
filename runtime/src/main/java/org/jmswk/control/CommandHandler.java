package org.jmswk.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jmswk.executor.ExecutorMetrics;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.executor.PoolChange;
import org.jmswk.executor.PoolChangeRefusedException;
import org.jmswk.executor.PoolStatus;

/**
 * Carries out parsed commands on one connection's behalf and replies: a grow or shrink is
 * "accepted" at once and "done" (or "failed" with the reason, after its rollback) when it ends,
 * or "busy" / "failed" at once when refused; the other commands answer "done" or "failed".
 */
final class CommandHandler {
  interface Sink {
    boolean send(String line);
  }

  private final FarmExecutor executor;
  private final ControlSettings settings;
  private final Sink sink;
  private volatile Thread monitor;

  CommandHandler(FarmExecutor executor, ControlSettings settings, Sink sink) {
    this.executor = executor;
    this.settings = settings;
    this.sink = sink;
  }

  void handle(String id, String text, ControlCommand c) {
    switch (c) {
      case ControlCommand.Resize r -> resize(id, text, r);
      case ControlCommand.Monitor m -> monitor(id, text, m);
      case ControlCommand.Statistics s -> sink.send(Reply.line(id, text, Reply.DONE, null, statistics()));
      case ControlCommand.Terminate t -> terminate(id, text);
      case ControlCommand.Balance b -> balance(id, text);
      case ControlCommand.Bind b -> bind(id, text, b);
    }
  }

  /** {@code 2}: the dispatch weights computed again and the split started afresh; failed when balancing is off. */
  private void balance(String id, String text) {
    try {
      sink.send(Reply.line(id, text, Reply.DONE, null, Map.of("weights", executor.rebalance())));
    } catch (IllegalStateException off) {
      sink.send(Reply.line(id, text, Reply.FAILED, off.getMessage(), null));
    }
  }

  private void resize(String id, String text, ControlCommand.Resize r) {
    CompletableFuture<PoolChange> f;
    try {
      f = executor.resize(r.perNode(), settings.growTimeout());
    } catch (PoolChangeRefusedException e) {
      sink.send(Reply.line(id, text, e.busy() ? Reply.BUSY : Reply.FAILED, e.getMessage(), null));
      return;
    }
    sink.send(Reply.line(id, text, Reply.ACCEPTED, null, Map.of("nodes", r.perNode())));
    f.whenComplete((change, failure) -> {
      if (failure != null) {
        Throwable cause = failure.getCause() != null && failure instanceof java.util.concurrent.CompletionException
            ? failure.getCause() : failure;
        sink.send(Reply.line(id, text, Reply.FAILED, cause.getMessage(), Map.of("pool_size", executor.poolStatus().size())));
      } else {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(r.grow() ? "started" : "stopped", change.workers());
        d.put("millis", change.millis());
        d.put("pool_size", executor.poolStatus().size());
        sink.send(Reply.line(id, text, Reply.DONE, null, d));
      }
    });
  }

  private void terminate(String id, String text) {
    sink.send(Reply.line(id, text, Reply.ACCEPTED, null, null));
    executor.terminate("the job was terminated by control command 5 (request " + id + ")")
        .whenComplete((v, e) -> sink.send(e == null ? Reply.line(id, text, Reply.DONE, null, Map.of("tasks_running", 0))
            : Reply.line(id, text, Reply.FAILED, e.getMessage(), null)));
  }

  // ---- monitoring -------------------------------------------------------------------------

  private synchronized void monitor(String id, String text, ControlCommand.Monitor m) {
    stop();
    if (!m.on()) {
      sink.send(Reply.line(id, text, Reply.DONE, null, Map.of("monitoring", "off")));
      return;
    }
    Duration interval = m.interval() != null ? m.interval() : settings.monitorInterval();
    sink.send(Reply.line(id, text, Reply.DONE, null, Map.of("monitoring", "on", "interval_ms", interval.toMillis())));
    monitor = Thread.ofVirtual().name("jmswk-control-monitor").start(() -> {
      ExecutorMetrics last = executor.metrics();
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(interval);
          ExecutorMetrics now = executor.metrics();
          if (!sink.send(Reply.json(sample(now.since(last))))) return;
          last = now;
        }
      } catch (InterruptedException e) {
        // monitoring off
      }
    });
  }

  /** Ends this connection's monitoring stream, if any. */
  synchronized void stop() {
    Thread t = monitor;
    monitor = null;
    if (t != null) t.interrupt();
  }

  /** One monitoring line: the interval's counters and the gauges now, in total and per node. */
  static Map<String, Object> sample(ExecutorMetrics m) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "monitor");
    s.put("time", m.takenAt().toString());
    s.put("interval_ms", m.span().toMillis());
    s.putAll(figures(m.total()));
    s.put("tasks_queued", m.tasksQueued());
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (ExecutorMetrics.NodeMetrics n : m.nodes()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("node", n.node());
      e.putAll(figures(n));
      nodes.add(e);
    }
    s.put("nodes", nodes);
    return s;
  }

  private static Map<String, Object> figures(ExecutorMetrics.NodeMetrics n) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("tasks_done", n.tasksDone());
    f.put("tasks_failed", n.tasksFailed());
    f.put("tasks_retried", n.tasksRetried());
    f.put("tasks_lost", n.tasksLost());
    f.put("workers_lost", n.workersLost());
    f.put("compute_ms", n.compute().toNanos() / 1e6);
    f.put("communication_ms", n.communication().toNanos() / 1e6);
    f.put("io_ms", n.io().map(d -> (Object) (d.toNanos() / 1e6)).orElse(null));
    f.put("pool_size", n.workers());
    f.put("tasks_running", n.tasksRunning());
    return f;
  }

  private Map<String, Object> statistics() {
    PoolStatus p = executor.poolStatus();
    ExecutorMetrics m = executor.metrics();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("pool_size", p.size());
    s.put("base_workers", p.base());
    s.put("workers_per_node", p.workersPerNode());
    s.put("slots_per_node", p.slots());
    s.put("excluded_nodes", p.excluded());
    s.put("reconfiguring", p.reconfiguring());
    s.put("draining", p.draining());
    s.put("tasks_queued", m.tasksQueued());
    s.put("uptime_ms", m.span().toMillis());
    s.put("total", figures(m.total()));
    return s;
  }

  // ---- binding ----------------------------------------------------------------------------

  private void bind(String id, String text, ControlCommand.Bind b) {
    try {
      List<String> done = CoreBinding.apply(executor, b.bindings());
      sink.send(Reply.line(id, text, Reply.DONE, null, Map.of("bound", done)));
    } catch (CommandRefusedException e) {
      sink.send(Reply.line(id, text, Reply.FAILED, e.getMessage(), null));
    }
  }
}
