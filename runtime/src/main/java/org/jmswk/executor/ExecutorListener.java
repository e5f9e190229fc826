package org.jmswk.executor;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Hooks into a {@link FarmExecutor}: events, and the point where results can be made durable
 * before anyone is told of them. Called on the executor's threads: keep them short and never
 * block on the executor from inside them.
 */
public interface ExecutorListener {
  /**
   * One outcome of one element: its id, its output or its failure, and the attempt that gave it:
   * the worker, the attempt's number (1, or more after its workers died) and when it ran
   * (WallClock microseconds, see {@code AttemptTimes}; 0 when unknown).
   */
  record Outcome(long elementId, byte[] output, RuntimeException failure, int worker, int attempt, long startedMicros,
                 long endedMicros) {
    /** An outcome not run by any worker (e.g. recalled from a journal). */
    public Outcome(long elementId, byte[] output, RuntimeException failure) {
      this(elementId, output, failure, -1, 0, 0, 0);
    }
  }

  default void event(ExecutorEvent e) {}

  /** Also send {@code task-started} / {@code task-done} per wire task (costly at millions of tasks per second). */
  default boolean taskEvents() {
    return false;
  }

  /**
   * The outcomes that arrived in one frame from one worker, before any of their futures or map
   * slots complete: a journal writes them here (one group commit per call). A result is offered
   * here exactly once. If this throws, those elements fail with that exception instead.
   */
  default void beforeDelivery(List<Outcome> outcomes) throws Exception {}

  /**
   * As {@link #beforeDelivery}, but the work may go on in the background: the executor delivers
   * these outcomes only once the returned future completes (or fails them with its exception),
   * and meanwhile reads and dispatches on, so a journal's fsync never holds up the workers. By
   * default {@link #beforeDelivery} is called here.
   */
  default CompletableFuture<Void> beforeDeliveryAsync(List<Outcome> outcomes) {
    try {
      beforeDelivery(outcomes);
      return CompletableFuture.completedFuture(null);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A journal's recorded outcome of a task submitted again (by {@code key}, or by its input
   * when {@code key} is null), or null to run it. A non-null answer completes the task's future
   * at once and the task is never dispatched. Called on the submitting thread, outside the
   * executor's lock.
   */
  default Outcome recall(String key, byte[] input) {
    return null;
  }

  /**
   * Element {@code elementId} of a {@code submit} or {@code invokeAll} task ({@code key} may be
   * null) is about to be queued: called under the executor's lock, so before any worker can
   * have it; keep it to memory.
   */
  default void submitted(long elementId, String key, byte[] input) {}

  /** True when {@link #beforeDelivery} makes results durable (a journal): a job stopped at its time limit can resume. */
  default boolean durable() {
    return false;
  }

  /**
   * The attempt of task {@code elementId} (its first element) that was running on {@code worker}
   * ended with the worker's loss: attempt number {@code attempt}, from {@code startedMicros} to
   * {@code endedMicros} (WallClock); {@code rerun}: it goes to another worker, else its crash
   * limit failed it. Called once per loss, before the task is handed out again.
   */
  default void attemptLost(long elementId, int worker, int attempt, long startedMicros, long endedMicros, boolean rerun) {}

  /** True to get {@link #beforeDelivery} calls (outcomes are only assembled when asked for). */
  default boolean wantsOutcomes() {
    return false;
  }
}
