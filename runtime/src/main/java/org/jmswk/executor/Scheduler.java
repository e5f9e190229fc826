package org.jmswk.executor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Who gets which task next: the scheduling state of a {@link FarmExecutor}, with no I/O (the
 * caller holds one lock around every call). Tasks wait in one queue (re-queued ones first),
 * maps as lazily cut chunk sources after them. Each worker has a credit: how many wire tasks it
 * may hold, adapted to how long its tasks take (enough to keep it busy for
 * {@link #TARGET_INFLIGHT_NANOS} between two answers, at least 2), or fixed by the prefetch
 * option. A batch for a worker takes what is queued up to that credit and a byte bound, so tiny
 * tasks travel many to a frame while long ones are spread one by one.
 *
 * <p>A worker runs its tasks in the order it got them: when it is lost, the first task it held
 * was the one running. Only that one is charged a crash; after more than {@code retries} crashes
 * it fails (its crash limit), the others go back to the queue's front uncharged.
 *
 * <p>With {@link DispatchWeights} (load balancing by node power) each worker also has a pass:
 * the elements it was given divided by its weight. A worker takes a task only while its pass is
 * at most the lowest pass of any worker plus {@link #SLACK}; one that is ahead is parked until
 * the others catch up, so the elements given out follow the weights (stride scheduling). A
 * worker that joins starts at the lowest pass; {@link #level} starts a fresh split.
 */
final class Scheduler {
  static final long TARGET_INFLIGHT_NANOS = 2_000_000;
  static final int MIN_CREDIT = 2;
  static final int MAX_CREDIT = 1024;
  /** Wire tasks per frame at most. */
  static final int MAX_BATCH = 1024;
  /** How far (in elements of a weight-1 worker) a worker may run ahead of the one that is furthest behind. */
  static final double SLACK = 1.0;

  /** A worker's share of the scheduling state. */
  static final class Slot {
    final int worker;
    final ArrayDeque<Task> inFlight = new ArrayDeque<>();
    boolean lost;
    /** Being drained (a shrink): gets no new tasks, is stopped once its tasks in flight are answered. */
    boolean draining;
    /** Mean worker time per wire task (0: nothing done yet). */
    double nanosPerTask;
    long dispatched;
    /** The connection this slot belongs to (the executor's, opaque here). */
    Object link;

    /** In the scheduler's queue of workers with room. */
    boolean hungry;
    /** With weights: elements given divided by the weight; and whether it waits for the others to catch up. */
    double pass;
    boolean parked;

    Slot(int worker) {
      this.worker = worker;
    }

    int credit(int fixedPrefetch) {
      if (fixedPrefetch > 0) return fixedPrefetch;
      if (nanosPerTask <= 0) return MIN_CREDIT;
      long c = (long) Math.ceil(TARGET_INFLIGHT_NANOS / Math.max(1.0, nanosPerTask));
      return (int) Math.max(MIN_CREDIT, Math.min(MAX_CREDIT, c));
    }
  }

  /** What a lost worker's tasks became. */
  record Loss(List<Task> requeued, Task crashed, boolean crashLimitReached) {}

  private final ArrayDeque<Task> ready = new ArrayDeque<>();
  private final ArrayDeque<MapJob> maps = new ArrayDeque<>();
  private final List<Slot> slots = new ArrayList<>();
  /** Workers that may have room, in turn: dispatching never walks every worker. */
  private final ArrayDeque<Slot> hungry = new ArrayDeque<>();
  private long inFlight;
  private final int retries;
  private final int fixedPrefetch;
  private final long batchBytes;
  /** Null: every worker takes what it has room for. */
  private DispatchWeights weights;
  /** Workers ahead of their share (entries whose {@code parked} is false are stale). */
  private final List<Slot> parked = new ArrayList<>();

  Scheduler(int retries, int fixedPrefetch, long batchBytes) {
    if (retries < 0) throw new IllegalArgumentException("retries must be >= 0");
    this.retries = retries;
    this.fixedPrefetch = fixedPrefetch;
    this.batchBytes = Math.max(1, batchBytes);
  }

  void enqueue(Task t) {
    ready.addLast(t);
  }

  void enqueue(MapJob job) {
    maps.addLast(job);
  }

  void add(Slot s) {
    if (weights != null) s.pass = slots.isEmpty() ? 0 : floor();
    slots.add(s);
    feed(s);
  }

  /** Splits from now on by {@code w} (null: no weights), starting from an even split. */
  void weights(DispatchWeights w) {
    this.weights = w;
    level();
  }

  /** Splits from now on by {@code w}, keeping the split so far (weights learned again). */
  void reweigh(DispatchWeights w) {
    if (weights == null || w == null) {
      weights(w);
    } else {
      this.weights = w;
    }
  }

  DispatchWeights weights() {
    return weights;
  }

  /** Every worker's pass the same, none parked: the split starts afresh (rebalancing). */
  void level() {
    double max = 0;
    for (Slot s : slots) max = Math.max(max, s.pass);
    for (Slot s : slots) s.pass = max;
    for (Slot p : parked) {
      if (p.parked && !p.lost) {
        p.parked = false;
        feed(p);
      }
    }
    parked.clear();
  }

  /** The lowest pass of any live worker. */
  private double floor() {
    double min = Double.POSITIVE_INFINITY;
    for (Slot s : slots) if (!s.draining) min = Math.min(min, s.pass); // a draining worker takes no more: never waited for
    return min == Double.POSITIVE_INFINITY ? 0 : min;
  }

  private void park(Slot s) {
    if (s.parked) return;
    s.parked = true;
    parked.add(s);
  }

  /** Feeds the parked workers that are no longer ahead; true if any was. */
  private boolean unparkEligible() {
    if (weights == null || parked.isEmpty() || nothingToTake()) return false;
    double limit = floor() + SLACK;
    boolean any = false;
    for (var it = parked.iterator(); it.hasNext(); ) {
      Slot p = it.next();
      if (!p.parked || p.lost) {
        it.remove();
      } else if (p.pass <= limit) {
        it.remove();
        p.parked = false;
        feed(p);
        any = true;
      }
    }
    return any;
  }

  private void feed(Slot s) {
    if (!s.hungry && !s.lost && !s.draining) {
      s.hungry = true;
      hungry.addLast(s);
    }
  }

  List<Slot> slots() {
    return slots;
  }

  /** Tasks and map elements not yet handed to any worker (cancelled ones included until skipped). */
  long waiting() {
    long n = ready.size();
    for (MapJob m : maps) if (!m.exhausted()) n++;
    return n;
  }

  /** Elements not yet handed to any worker (one pass over the queue: for metrics, not the hot path). */
  long queuedElements() {
    long n = 0;
    for (Task t : ready) if (!t.abandoned()) n += t.size();
    for (MapJob m : maps) n += m.remaining();
    return n;
  }

  /** Wire tasks handed to workers and not answered yet. */
  long inFlight() {
    return inFlight;
  }

  boolean idle() {
    return inFlight == 0 && nothingToTake();
  }

  /** The next batch for {@code s} (possibly empty), already recorded as in flight there. */
  List<Task> nextBatch(Slot s) {
    if (s.lost || s.draining) return List.of();
    int room = Math.min(MAX_BATCH, s.credit(fixedPrefetch) - s.inFlight.size());
    if (room <= 0) return List.of();
    List<Task> batch = new ArrayList<>(Math.min(room, 16));
    long bytes = 0;
    double limit = weights == null ? Double.POSITIVE_INFINITY : floor() + SLACK;
    while (batch.size() < room && (batch.isEmpty() || bytes < batchBytes)) {
      if (s.pass > limit) {
        if (batch.isEmpty() && !nothingToTake()) park(s);
        break;
      }
      Task t = take(batchBytes - bytes);
      if (t == null) break;
      if (weights != null) {
        s.pass += t.size() / weights.of(s);
        s.parked = false;
      }
      t.owner = s;
      t.attempts++;
      s.inFlight.addLast(t);
      inFlight++;
      s.dispatched++;
      batch.add(t);
      bytes += t.bytes() + Wire.TASK_HEADER;
    }
    return batch;
  }

  /** Batches for every worker with room, in turn, so that no worker is served first every time. */
  List<Batch> dispatch() {
    List<Batch> out = new ArrayList<>();
    do {
      dispatchHungry(out);
    } while (unparkEligible());
    return out;
  }

  private void dispatchHungry(List<Batch> out) {
    while (!hungry.isEmpty() && !nothingToTake()) {
      Slot s = hungry.pollFirst();
      s.hungry = false;
      if (s.lost) continue;
      List<Task> b = nextBatch(s);
      if (b.isEmpty()) {
        if (s.parked) continue; // ahead of its share: fed again when the others catch up
        if (s.inFlight.size() < s.credit(fixedPrefetch)) feed(s); // room, but nothing left to take
        if (nothingToTake()) break;
        continue;
      }
      out.add(new Batch(s, b));
      if (s.inFlight.size() < s.credit(fixedPrefetch)) feed(s);
    }
  }

  record Batch(Slot slot, List<Task> tasks) {}

  private boolean nothingToTake() {
    while (!ready.isEmpty() && ready.peekFirst().abandoned()) ready.pollFirst(); // cancelled: nothing to wait for
    if (!ready.isEmpty()) return false;
    for (MapJob m : maps) if (!m.exhausted()) return false;
    return true;
  }

  private Task take(long bytesLeft) {
    while (!ready.isEmpty()) {
      Task t = ready.pollFirst();
      if (!t.abandoned()) return t;
    }
    while (!maps.isEmpty()) {
      MapJob m = maps.peekFirst();
      if (m.exhausted()) {
        maps.pollFirst();
        continue;
      }
      return m.cut(Math.max(1, liveSlots()), Math.max(1, bytesLeft));
    }
    return null;
  }

  private int liveSlots() {
    return slots.size(); // lost ones are removed
  }

  /**
   * Worker {@code s} answered wire task {@code id}, which took it {@code nanos}: the task if it
   * was still that worker's (removed from its tasks in flight), else null (a late or unknown
   * answer, ignored).
   */
  Task answered(Slot s, long id, long nanos) {
    if (s.lost) return null;
    Task found = null;
    Task head = s.inFlight.peekFirst();
    if (head != null && head.id == id) {
      found = s.inFlight.pollFirst();
    } else {
      for (var it = s.inFlight.iterator(); it.hasNext(); ) {
        Task t = it.next();
        if (t.id == id) {
          it.remove();
          found = t;
          break;
        }
      }
    }
    if (found == null || found.owner != s) return null;
    found.owner = null;
    inFlight--;
    feed(s);
    s.nanosPerTask = s.nanosPerTask <= 0 ? nanos : 0.7 * s.nanosPerTask + 0.3 * nanos;
    if (found instanceof MapJob.Chunk c) c.job.observed(c.count, nanos);
    return found;
  }

  /**
   * Worker {@code s} takes no new task from now on (a shrink drains it); true when it holds none,
   * so it may be stopped at once, else it is stopped when its last task in flight is answered.
   */
  boolean drain(Slot s) {
    s.draining = true;
    return s.inFlight.isEmpty();
  }

  /**
   * Worker {@code s} handed back tasks {@code ids} unstarted: they go back to the queue's front,
   * uncharged; true when it holds none any more.
   */
  boolean handBack(Slot s, long[] ids) {
    java.util.Set<Long> back = new java.util.HashSet<>();
    for (long id : ids) back.add(id);
    List<Task> requeued = new ArrayList<>();
    for (var it = s.inFlight.iterator(); it.hasNext(); ) {
      Task t = it.next();
      if (back.contains(t.id) && t.owner == s) {
        it.remove();
        inFlight--;
        t.owner = null;
        t.attempts--;
        requeued.add(t);
      }
    }
    for (int i = requeued.size() - 1; i >= 0; i--) ready.addFirst(requeued.get(i));
    return s.inFlight.isEmpty();
  }

  /** Workers that take tasks: connected and not being drained. */
  int serving() {
    int n = 0;
    for (Slot s : slots) if (!s.draining) n++;
    return n;
  }

  /** Worker {@code s} is gone: its tasks go back to the queue's front, the running one charged a crash. */
  Loss lost(Slot s) {
    s.lost = true;
    slots.remove(s);
    List<Task> requeued = new ArrayList<>(s.inFlight);
    inFlight -= requeued.size();
    s.inFlight.clear();
    Task crashed = requeued.isEmpty() ? null : requeued.getFirst();
    boolean limit = false;
    if (crashed != null) {
      crashed.crashes++;
      if (crashed.crashes > retries) {
        requeued.removeFirst();
        limit = true;
      }
    }
    for (Task t : requeued) t.owner = null;
    for (int i = requeued.size() - 1; i >= 0; i--) ready.addFirst(requeued.get(i));
    if (crashed != null) crashed.owner = null;
    return new Loss(requeued, crashed, limit);
  }

  /** Everything still waiting, removed from the queue (to be failed when no worker is left). */
  List<Task> drainWaiting() {
    List<Task> out = new ArrayList<>();
    while (!ready.isEmpty()) {
      Task t = ready.pollFirst();
      if (!t.abandoned()) out.add(t);
    }
    for (MapJob m : maps) {
      while (!m.exhausted()) out.add(m.cut(1, Long.MAX_VALUE));
    }
    maps.clear();
    return out;
  }
}
