package org.jmswk.executor;

/**
 * A task threw on its worker. Carries the remote exception's class, message and stack trace as
 * text (the worker's classes need not exist on the master). Such a task is not retried: it ran
 * and this is its outcome.
 */
public final class RemoteTaskException extends RuntimeException {
  private final String remoteClass;
  private final String remoteMessage;
  private final String remoteTrace;

  public RemoteTaskException(String remoteClass, String remoteMessage, String remoteTrace) {
    super(remoteClass + (remoteMessage == null || remoteMessage.isEmpty() ? "" : ": " + remoteMessage));
    this.remoteClass = remoteClass;
    this.remoteMessage = remoteMessage;
    this.remoteTrace = remoteTrace;
  }

  /** The class name of the exception the handler threw. */
  public String remoteClass() {
    return remoteClass;
  }

  public String remoteMessage() {
    return remoteMessage;
  }

  /** The worker's stack trace, as {@link Throwable#printStackTrace()} wrote it. */
  public String remoteTrace() {
    return remoteTrace;
  }
}
