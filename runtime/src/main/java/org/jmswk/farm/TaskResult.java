package org.jmswk.farm;

/**
 * How one task ended: with its output, or, after its attempts, with a failure. Every task
 * submitted to a {@link TaskFarm} ends in exactly one of these.
 *
 * @param task     the task's index in the submitted list
 * @param output   the worker's output, or null when the task failed
 * @param failure  why the task failed, or null when it succeeded
 * @param attempts how many workers it was given to (more than 1 after a worker died)
 */
public record TaskResult(int task, byte[] output, String failure, int attempts) {
  public boolean ok() {
    return failure == null;
  }
}
