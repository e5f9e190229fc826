package org.jmswk.executor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Grows and shrinks a {@link FarmExecutor}'s pool while it runs, one reconfiguration at a time.
 * A grow starts every new worker at once on the nodes asked for and is done when all of them are
 * connected and in the dispatch rotation (serving tasks); one that cannot finish within its
 * deadline is rolled back (those that came are drained and stopped, the others ended). A shrink
 * drains: the chosen workers get no new task, hand back the ones they have not started, finish
 * the one running, and are stopped; no task
 * is lost or run twice (a worker that dies while draining has its tasks re-queued as any lost
 * worker's). A shrink is done once every chosen worker has drained and been told to stop: their
 * processes end in the background (a JVM exit and MPI_Finalize each, which on a loaded machine
 * would make a shrink of 16 wait for the slowest of 16), within the liveness bound (see
 * {@link #stop}). The rules ({@link ResizeRules}) are checked before anything starts.
 */
final class ElasticPool {
  private final FarmExecutor ex;
  private final AtomicReference<String> pending = new AtomicReference<>();
  /** Workers being drained, and the future that completes when each is gone. */
  private final Map<Integer, CompletableFuture<Void>> draining = new ConcurrentHashMap<>();
  /** Workers being drained, and the future that completes once each holds no task and has been told to stop. */
  private final Map<Integer, CompletableFuture<Void>> drained = new ConcurrentHashMap<>();
  /** Workers a grow started that have not connected yet, and their nodes. */
  private final Map<Integer, String> startingOn = new ConcurrentHashMap<>();

  ElasticPool(FarmExecutor ex) {
    this.ex = ex;
  }

  /** The reconfiguration under way (null when none). */
  String pending() {
    return pending.get();
  }

  /** The pool as the rules see it: workers per node, connected (not draining) or starting for a grow. */
  Map<String, Integer> workersPerNode() {
    Map<String, Integer> per = new LinkedHashMap<>();
    for (WorkerLink l : ex.links.values()) {
      if (!draining.containsKey(l.id) && !startingOn.containsKey(l.id)) per.merge(l.node, 1, Integer::sum);
    }
    for (String node : startingOn.values()) per.merge(node, 1, Integer::sum);
    return per;
  }

  ResizeRules rules() {
    Map<String, Integer> slots = ex.starter == null ? Map.of() : ex.starter.nodeSlots();
    return new ResizeRules(slots, workersPerNode(), ex.excludedNodes(), ex.baseWorkers());
  }

  /**
   * Grows ({@code perNode} counts &gt; 0) or shrinks (&lt; 0). Throws {@link PoolChangeRefusedException}
   * when another reconfiguration is under way or a rule is broken (nothing started); else the
   * future completes when the change is done, or exceptionally (after a rollback) with the reason.
   */
  CompletableFuture<PoolChange> resize(Map<String, Integer> perNode, Duration growDeadline) {
    String what = describe(perNode);
    if (!pending.compareAndSet(null, what)) {
      throw new PoolChangeRefusedException("busy: another reconfiguration is under way (" + pending.get() + ")", true);
    }
    try {
      if (ex.isShutdownRequested()) throw new PoolChangeRefusedException("the executor is shutting down", false);
      rules().check(perNode);
      CompletableFuture<PoolChange> f = perNode.values().iterator().next() > 0 ? grow(perNode, growDeadline) : shrink(perNode);
      return f.whenComplete((c, e) -> pending.set(null));
    } catch (RuntimeException e) {
      pending.set(null);
      throw e;
    }
  }

  private static String describe(Map<String, Integer> perNode) {
    StringBuilder s = new StringBuilder();
    perNode.forEach((n, c) -> s.append(s.isEmpty() ? "" : ", ").append(c > 0 ? "+" : "").append(c).append(" on ").append(n));
    return s.toString();
  }

  // ---- grow ------------------------------------------------------------------------------

  private CompletableFuture<PoolChange> grow(Map<String, Integer> perNode, Duration deadline) {
    long t0 = System.nanoTime();
    List<Integer> ids = new ArrayList<>();
    List<String> nodes = new ArrayList<>();
    List<Map<String, String>> props = new ArrayList<>();
    Map<Integer, CompletableFuture<WorkerLink>> ups = new LinkedHashMap<>();
    perNode.forEach((node, n) -> {
      for (int i = 0; i < n; i++) {
        int id = ex.nextWorker.getAndIncrement();
        CompletableFuture<WorkerLink> up = new CompletableFuture<>();
        ex.starting.put(id, up);
        startingOn.put(id, node);
        ups.put(id, up);
        ids.add(id);
        nodes.add(node);
        Map<String, String> p = ex.workerProperties(id);
        if (ex.starter.startsMpiProcesses()) p.put(FarmExecutor.MPI_WORKER, "true");
        props.add(p);
      }
    });
    CompletableFuture<PoolChange> result = new CompletableFuture<>();
    // every worker is launched before any is waited for; the launch runs where the executor's MPI calls run
    CompletableFuture<Void> launched = CompletableFuture.runAsync(() -> {
      try {
        ex.starter.startOn(ids, nodes, props);
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
    }, ex.startThread);
    // each new worker is labelled with its node as it connects, before the grow can count as done
    List<CompletableFuture<WorkerLink>> labelled = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      String node = nodes.get(i);
      labelled.add(ups.get(ids.get(i)).thenApply(link -> {
        link.node = node;
        ex.emitStarted(link, "grow");
        return link;
      }));
    }
    CompletableFuture<Void> all = launched.thenCompose(v -> CompletableFuture.allOf(labelled.toArray(CompletableFuture[]::new)));
    // a worker whose launcher ended before it connected will never come: fail the grow now, not at its deadline
    Thread.ofVirtual().name("jmswk-executor-grow-watch").start(() -> watchLaunchers(ids, nodes, ups, all));
    all.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, failure) -> {
      if (failure == null) {
        for (int id : ids) {
          ex.starting.remove(id);
          startingOn.remove(id);
        }
        ex.pumpNow();
        result.complete(new PoolChange(ids, perNode, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
        return;
      }
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      String why = cause instanceof java.util.concurrent.TimeoutException
          ? "not every new worker was serving within " + deadline.toSeconds() + " s (JMSWK_CONTROL_GROW_TIMEOUT_S)"
          : "starting the workers failed: " + cause.getMessage();
      Thread.ofVirtual().name("jmswk-executor-rollback").start(() -> rollBack(ids, ups, why, result));
    });
    return result;
  }

  /**
   * Until {@code all} is complete: a new worker not connected yet whose launcher has ended (its
   * own mpiexec failed, e.g. at orte_init) fails its start, and so the grow, with that reason.
   */
  private void watchLaunchers(List<Integer> ids, List<String> nodes, Map<Integer, CompletableFuture<WorkerLink>> ups,
                              CompletableFuture<Void> all) {
    while (!all.isDone()) {
      for (int i = 0; i < ids.size(); i++) {
        int id = ids.get(i);
        if (!ups.get(id).isDone() && ex.starter.domainEnded(id)) {
          ups.get(id).completeExceptionally(new IllegalStateException(
              "worker " + id + "'s launcher on " + nodes.get(i) + " ended before the worker connected"));
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Undoes a grow: workers that came are drained and stopped, the others are ended; then reports why. */
  private void rollBack(List<Integer> ids, Map<Integer, CompletableFuture<WorkerLink>> ups, String why,
                        CompletableFuture<PoolChange> result) {
    int came = 0;
    List<CompletableFuture<Void>> drains = new ArrayList<>();
    for (int id : ids) {
      CompletableFuture<WorkerLink> up = ups.get(id);
      ex.starting.remove(id);
      startingOn.remove(id);
      if (up.isDone() && !up.isCompletedExceptionally()) {
        came++;
        drains.add(drainOne(up.join()));
      } else {
        up.cancel(false); // a late connection is refused: it is no longer expected
        ex.starter.retired(id);
        WorkerLink late = ex.links.get(id); // admitted just before the cancel: drained like the others
        if (late != null) drains.add(drainOne(late));
      }
    }
    try {
      CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new)).get(ex.options.liveness().toMillis() + 60_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // reported below either way
    }
    result.completeExceptionally(new IllegalStateException(why + "; rolled back: " + came + " of " + ids.size()
        + " new workers had connected and were drained and stopped, the others were ended"));
  }

  // ---- shrink ----------------------------------------------------------------------------

  private CompletableFuture<PoolChange> shrink(Map<String, Integer> perNode) {
    long t0 = System.nanoTime();
    List<WorkerLink> chosen = new ArrayList<>();
    perNode.forEach((node, n) -> ex.links.values().stream()
        .filter(l -> l.node.equals(node) && !draining.containsKey(l.id))
        .sorted(Comparator.comparingInt((WorkerLink l) -> l.id).reversed()) // the most recently added first
        .limit(-n).forEach(chosen::add));
    List<CompletableFuture<Void>> stopped = new ArrayList<>();
    for (WorkerLink l : chosen) {
      stopped.add(drained.computeIfAbsent(l.id, k -> new CompletableFuture<>())); // before: it may go at once
      drainOne(l);
    }
    List<Integer> ids = chosen.stream().map(l -> l.id).toList();
    // done when drained and told to stop; their exits complete in the background (bounded, see stop)
    return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
        .thenApply(v -> new PoolChange(ids, perNode, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)));
  }

  /** Worker {@code l} takes no new task and is stopped once it holds none; the future completes when it is gone. */
  private CompletableFuture<Void> drainOne(WorkerLink l) {
    CompletableFuture<Void> gone = draining.computeIfAbsent(l.id, k -> new CompletableFuture<>());
    drained.computeIfAbsent(l.id, k -> new CompletableFuture<>());
    boolean empty;
    synchronized (ex.scheduler) {
      empty = ex.scheduler.drain(l.slot);
    }
    if (empty) stop(l);
    else l.recall(); // tasks it has not started come back; the one running finishes
    if (!ex.links.containsKey(l.id)) finish(l); // it went while being chosen
    return gone;
  }

  /** After a worker's results were taken: a draining worker that holds no task any more is stopped. */
  void answered(WorkerLink l) {
    if (!l.slot.draining) return;
    boolean empty;
    synchronized (ex.scheduler) {
      empty = l.slot.inFlight.isEmpty();
    }
    if (empty) stop(l);
  }

  /**
   * A draining worker that holds no task is told to stop: it has drained. Its process ends in the
   * background; one that takes longer than the liveness bound (it sends no heartbeat once stopped)
   * is taken as gone by the executor's liveness check, retired, and its process ended by the starter.
   */
  private void stop(WorkerLink l) {
    CompletableFuture<Void> d = drained.get(l.id);
    // once only: a results frame and a RETURNED frame can both find it empty
    if (d != null && d.complete(null)) l.stop();
  }

  /** A worker's connection ended: true when it was drained on purpose (not a loss; no replacement). */
  boolean gone(WorkerLink l) {
    if (!draining.containsKey(l.id)) return false;
    finish(l);
    return true;
  }

  private void finish(WorkerLink l) {
    CompletableFuture<Void> f = draining.remove(l.id);
    if (f == null) return;
    CompletableFuture<Void> d = drained.remove(l.id);
    if (d != null) d.complete(null); // it died while draining: its tasks were re-queued as a lost worker's
    ex.starter.retired(l.id);
    ex.emitRetired(l);
    f.complete(null);
  }

  boolean draining(int id) {
    return draining.containsKey(id);
  }

  /** Worker ids being drained now (not yet stopped; stopped ones are only ending). */
  Set<Integer> drainingNow() {
    Set<Integer> now = new java.util.TreeSet<>();
    drained.forEach((id, d) -> {
      if (!d.isDone()) now.add(id);
    });
    return now;
  }
}
