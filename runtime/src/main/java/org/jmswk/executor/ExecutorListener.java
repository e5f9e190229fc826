package org.jmswk.executor;

import java.util.List;

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

  /** True to get {@link #beforeDelivery} calls (outcomes are only assembled when asked for). */
  default boolean wantsOutcomes() {
    return false;
  }
}
