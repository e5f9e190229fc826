package org.jmswk.executor;

/**
 * A task that did not run (or did not finish) before the job's time limit: the executor stopped
 * handing out work so that the job ends in time. With the job's journal attached, running the job
 * again ({@code jmswk sub --rerun ID}) runs it then; results already journalled are not redone.
 */
public final class TimeLimitException extends RuntimeException {
  public TimeLimitException(String message) {
    super(message, null, false, false);
  }
}
