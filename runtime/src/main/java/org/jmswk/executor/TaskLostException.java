package org.jmswk.executor;

/**
 * A task that could not be run to an outcome: it was running on a worker that died more often
 * than the retry budget allows (it keeps killing workers: its crash limit), no worker could be
 * started for it, or the executor was closed before it ran.
 */
public final class TaskLostException extends RuntimeException {
  public TaskLostException(String message) {
    super(message);
  }
}
