package org.jmswk.executor;

/**
 * The worker's side of a task: bytes in, bytes out, one task at a time per worker process (the
 * mirror of {@link FarmExecutor#submit(byte[])}). An exception thrown here is the task's result:
 * the master's future completes exceptionally with a {@link RemoteTaskException} carrying it,
 * and the task is not run again.
 */
@FunctionalInterface
public interface TaskHandler {
  byte[] handle(byte[] input) throws Exception;
}
