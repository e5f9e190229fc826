package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The scheduling and batching rules, without any I/O. */
class SchedulerTest {
  private static SingleTask<byte[]> task(long id, int bytes) {
    return new SingleTask<>(id, new byte[bytes], Codec.BYTES, new CompletableFuture<>());
  }

  @Test
  void aNewWorkerGetsTheMinimumCreditThenMoreForTinyTasks() {
    Scheduler s = new Scheduler(3, 0, 1 << 20);
    Scheduler.Slot w = new Scheduler.Slot(0);
    s.add(w);
    for (int i = 0; i < 100; i++) s.enqueue(task(i, 8));
    List<Task> first = s.nextBatch(w);
    assertEquals(Scheduler.MIN_CREDIT, first.size());
    assertTrue(s.nextBatch(w).isEmpty(), "no more than its credit in flight");
    for (Task t : first) assertSame(t, s.answered(w, t.id, 1_000)); // 1 µs each
    assertEquals(98, s.nextBatch(w).size(), "tiny tasks: the rest in one batch");
  }

  @Test
  void slowTasksAreHandedOutTwoAtATimeAndBatchesRespectTheByteBound() {
    Scheduler s = new Scheduler(3, 0, 1000);
    Scheduler.Slot w = new Scheduler.Slot(0);
    s.add(w);
    for (int i = 0; i < 10; i++) s.enqueue(task(i, 600));
    List<Task> b = s.nextBatch(w);
    assertEquals(2, b.size(), "the byte bound stops a batch after the one that crosses it");
    for (Task t : b) s.answered(w, t.id, 50_000_000); // 50 ms each
    assertEquals(Scheduler.MIN_CREDIT, w.credit(0));
  }

  @Test
  void aFixedPrefetchIsTheCredit() {
    Scheduler s = new Scheduler(3, 5, 1 << 20);
    Scheduler.Slot w = new Scheduler.Slot(0);
    s.add(w);
    for (int i = 0; i < 20; i++) s.enqueue(task(i, 8));
    assertEquals(5, s.nextBatch(w).size());
  }

  @Test
  void aLostWorkersRunningTaskIsChargedTheOthersRequeuedFreeInOrder() {
    Scheduler s = new Scheduler(1, 3, 1 << 20);
    Scheduler.Slot a = new Scheduler.Slot(0);
    Scheduler.Slot b = new Scheduler.Slot(1);
    s.add(a);
    s.add(b);
    for (int i = 0; i < 3; i++) s.enqueue(task(i, 8));
    List<Task> held = s.nextBatch(a);
    Scheduler.Loss loss = s.lost(a);
    assertSame(held.get(0), loss.crashed());
    assertFalse(loss.crashLimitReached());
    assertEquals(1, held.get(0).crashes);
    assertEquals(0, held.get(1).crashes);
    assertEquals(List.of(0L, 1L, 2L), s.nextBatch(b).stream().map(t -> t.id).toList(), "re-queued at the front, in order");
    assertNull(s.answered(a, 0, 1), "a lost worker's late answer is ignored");
    // second death of task 0 with retries=1: its crash limit
    Scheduler.Loss again = s.lost(b);
    assertTrue(again.crashLimitReached());
    assertEquals(List.of(1L, 2L), again.requeued().stream().map(t -> t.id).toList());
  }

  @Test
  void aLateAnswerFromTheFormerOwnerIsIgnoredAfterTheTaskMoved() {
    Scheduler s = new Scheduler(3, 1, 1 << 20);
    Scheduler.Slot a = new Scheduler.Slot(0);
    Scheduler.Slot b = new Scheduler.Slot(1);
    s.add(a);
    s.add(b);
    s.enqueue(task(7, 8));
    s.nextBatch(a);
    s.lost(a);
    Task moved = s.nextBatch(b).getFirst();
    assertNull(s.answered(a, 7, 1));
    assertSame(moved, s.answered(b, 7, 1));
    assertNull(s.answered(b, 7, 1), "and only once");
  }

  @Test
  void cancelledTasksAreSkipped() {
    Scheduler s = new Scheduler(3, 10, 1 << 20);
    Scheduler.Slot w = new Scheduler.Slot(0);
    s.add(w);
    SingleTask<byte[]> c = task(0, 8);
    s.enqueue(c);
    s.enqueue(task(1, 8));
    c.future.cancel(false);
    assertEquals(List.of(1L), s.nextBatch(w).stream().map(t -> t.id).toList());
  }

  @Test
  void mapChunksGrowWithFastElementsAndLeaveWorkForEveryWorker() {
    byte[][] inputs = new byte[100_000][];
    for (int i = 0; i < inputs.length; i++) inputs[i] = new byte[8];
    MapJob job = new MapJob(0, inputs, new MapResult<>(inputs.length, Codec.BYTES));
    assertEquals(MapJob.FIRST_CHUNK, job.chunkSize(2, 1 << 20));
    job.observed(100, 100 * 50); // 50 ns per element
    assertEquals(MapJob.MAX_CHUNK, job.chunkSize(2, 1 << 20));
    assertEquals((1 << 12) / (8 + Wire.ELEMENT_HEADER), job.chunkSize(2, 1 << 12), "within the byte bound");
    job.observed(1, 1_000_000_000); // slow elements now
    job.observed(1, 1_000_000_000);
    job.observed(1, 1_000_000_000);
    job.observed(1, 1_000_000_000);
    job.observed(1, 1_000_000_000);
    assertEquals(1, job.chunkSize(2, 1 << 20));
    MapJob small = new MapJob(0, new byte[][] {new byte[1], new byte[1], new byte[1], new byte[1]},
        new MapResult<>(4, Codec.BYTES));
    small.observed(4, 4);
    assertEquals(1, small.chunkSize(4, 1 << 20), "4 elements, 4 workers: one each");
  }

  /** Equal workers answering in turn: how many elements each got. */
  private static long[] runEqualWorkers(Scheduler s, List<Scheduler.Slot> ws, int rounds) {
    long[] got = new long[ws.size()];
    java.util.Map<Scheduler.Slot, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < ws.size(); i++) index.put(ws.get(i), i);
    for (int r = 0; r < rounds; r++) {
      for (Scheduler.Batch b : s.dispatch()) got[index.get(b.slot())] += b.tasks().size();
      for (Scheduler.Slot w : ws) { // each answers its oldest task: all equally fast
        Task t = w.inFlight.peekFirst();
        if (t != null) s.answered(w, t.id, 1_000_000);
      }
    }
    return got;
  }

  /** A scheduler (prefetch 2) splitting by weight between worker a (node A) and worker b (node B). */
  private static Scheduler weighted(Scheduler.Slot a, double wa, Scheduler.Slot b, double wb) {
    Scheduler s = new Scheduler(3, 2, 1 << 20);
    java.util.Map<Scheduler.Slot, String> nodes = java.util.Map.of(a, "A", b, "B");
    s.weights(new DispatchWeights(java.util.Map.of("A", wa, "B", wb), 1, nodes::get));
    return s;
  }

  @Test
  void weightsSplitTheTasksInProportionWhateverTheWorkersSpeed() {
    Scheduler.Slot a = new Scheduler.Slot(0);
    Scheduler.Slot b = new Scheduler.Slot(1);
    Scheduler s = weighted(a, 1.0, b, 3.0);
    s.add(a);
    s.add(b);
    for (int i = 0; i < 4000; i++) s.enqueue(task(i, 8));
    long[] got = runEqualWorkers(s, List.of(a, b), 1500);
    assertEquals(3.0, got[1] / (double) got[0], 0.05, "B (power 3) against A (power 1): " + got[0] + " / " + got[1]);
  }

  @Test
  void withoutWeightsEqualWorkersShareEvenly() {
    Scheduler s = new Scheduler(3, 2, 1 << 20);
    Scheduler.Slot a = new Scheduler.Slot(0);
    Scheduler.Slot b = new Scheduler.Slot(1);
    s.add(a);
    s.add(b);
    for (int i = 0; i < 4000; i++) s.enqueue(task(i, 8));
    long[] got = runEqualWorkers(s, List.of(a, b), 1000);
    assertEquals(1.0, got[1] / (double) got[0], 0.05);
  }

  @Test
  void aWorkerAheadWaitsAndIsFedWhenTheLaggingOneIsLost() {
    Scheduler.Slot a = new Scheduler.Slot(0);
    Scheduler.Slot b = new Scheduler.Slot(1);
    Scheduler s = weighted(a, 1.0, b, 1.0);
    s.add(a);
    s.add(b);
    for (int i = 0; i < 100; i++) s.enqueue(task(i, 8));
    s.dispatch(); // 2 each: both at their credit
    for (Task t : List.copyOf(a.inFlight)) s.answered(a, t.id, 1_000);
    List<Scheduler.Batch> next = s.dispatch();
    assertTrue(next.stream().mapToInt(x -> x.tasks().size()).sum() <= 2, "A may run ahead by its slack only");
    assertTrue(a.parked || a.inFlight.size() > 0);
    for (Task t : List.copyOf(a.inFlight)) s.answered(a, t.id, 1_000);
    assertTrue(s.dispatch().isEmpty(), "A is ahead of B, which holds its tasks: A waits");
    s.lost(b); // B's tasks go back to the queue; nothing holds A back any more
    List<Scheduler.Batch> after = s.dispatch();
    assertEquals(1, after.size());
    assertSame(a, after.getFirst().slot());
  }

  @Test
  void aDrainingWorkerHoldsNobodyBack() {
    Scheduler.Slot a = new Scheduler.Slot(0);
    Scheduler.Slot b = new Scheduler.Slot(1);
    Scheduler s = weighted(a, 1.0, b, 1.0);
    s.add(a);
    s.add(b);
    for (int i = 0; i < 100; i++) s.enqueue(task(i, 8));
    s.dispatch();
    s.drain(b); // a shrink: B keeps its tasks, takes no new one
    for (int round = 0; round < 5; round++) {
      for (Task t : List.copyOf(a.inFlight)) s.answered(a, t.id, 1_000);
      assertEquals(2, s.dispatch().stream().mapToInt(x -> x.tasks().size()).sum(), "A goes on alone, round " + round);
    }
  }

  @Test
  void aWorkerThatJoinsStartsLevelAndLevellingStartsAFreshSplit() {
    Scheduler.Slot a = new Scheduler.Slot(0);
    Scheduler.Slot b = new Scheduler.Slot(1);
    Scheduler s = weighted(a, 1.0, b, 1.0);
    s.add(a);
    for (int i = 0; i < 5000; i++) s.enqueue(task(i, 8));
    runEqualWorkers(s, List.of(a), 200);
    s.add(b);
    assertEquals(a.pass, b.pass, 1e-9, "B starts where A is, not at 0 (it would take everything)");
    long[] got = runEqualWorkers(s, List.of(a, b), 200);
    assertEquals(1.0, got[1] / (double) got[0], 0.1);
    b.pass += 10; // as if B had run far ahead: A alone may take
    for (Task t : List.copyOf(b.inFlight)) s.answered(b, t.id, 1_000);
    s.dispatch();
    assertTrue(b.parked, "B waits for A");
    s.level();
    assertEquals(a.pass, b.pass, 1e-9);
    assertTrue(!b.parked && !s.dispatch().isEmpty(), "after levelling B takes again");
  }
}
