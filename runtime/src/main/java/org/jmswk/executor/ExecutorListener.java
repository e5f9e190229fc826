package org.jmswk.executor;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Hooks into a {@link FarmExecutor}: events, and the point where results can be made durable
 * before anyone is told of them. Called on the executor's threads: keep them short and never
 * block on the executor from inside them.
 */
public interface ExecutorListener {
  /** One outcome of one element: its id, and its output or its failure. */
  record Outcome(long elementId, byte[] output, RuntimeException failure) {}

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

  /** True to get {@link #beforeDelivery} calls (outcomes are only assembled when asked for). */
  default boolean wantsOutcomes() {
    return false;
  }
}
